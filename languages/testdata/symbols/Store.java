package com.acme.store;
import java.util.List;
import static java.lang.Math.max;
import java.io.*;
public class Store<T> extends Base implements Getter {
    private static final int MAX = 5;
    private final Map<String, T> items = new HashMap<>();
    public Store(int n) { super(n); }
    @Override
    public String get(String key) throws IOException {
        return this.items.get(key).toString() + Util.format(key);
    }
    interface Inner { void run(); }
    enum Color { RED }
    record Pt(int x, int y) {}
}
