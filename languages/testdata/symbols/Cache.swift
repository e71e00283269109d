import Foundation
import struct Darwin.size_t
let maxItems = 5
protocol Getter { func get(_ key: String) -> String }
public class Cache<T>: Base, Getter {
    private var items: [String: T] = [:]
    init(db: Db) { self.db = db }
    public func get(_ key: String) -> String {
        return db.fetch(key) ?? Util.format(key).trimmed()
    }
    static func create() -> Cache { Cache(db: Db()) }
}
struct Pt { var x: Int }
enum Color { case red }
extension Cache { func extra() {} }
func top(a: Int) -> Int { max(a, 1) }
typealias Id = String
