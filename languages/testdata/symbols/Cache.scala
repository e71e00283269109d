package com.acme.store
import scala.collection.mutable
import java.util.{Date, List => JList}
trait Getter { def get(key: String): String }
class Cache[T](db: Db) extends Base with Getter {
  private val items = mutable.Map[String, T]()
  override def get(key: String): String =
    db.fetch(key).getOrElse(Util.format(key))
}
object Cache { def apply(): Cache[Int] = new Cache(Db()) }
case class Pt(x: Int)
type Id = String
val top = 1
def helper(a: Int) = a + 1
