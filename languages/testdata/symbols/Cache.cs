using System;
using IO = System.IO;
namespace Acme.Store
{
    public interface IGetter { string Get(string key); }
    public class Cache<T> : Base, IGetter
    {
        private const int Max = 5;
        private readonly Dictionary<string, T> items = new();
        public string Name { get; set; }
        public Cache(int n) : base(n) { }
        public string Get(string key) => items[key].ToString() + Util.Format(key);
        internal void Put(T v) { this.items.Add(v.Key, v); Console.WriteLine(v); }
    }
    public enum Color { Red }
    public struct Pt { public int X; }
    public record Person(string Name);
}
