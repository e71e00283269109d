package com.acme.store
import java.util.Date
import kotlinx.coroutines.flow.Flow as F
const val MAX = 5
private var counter = 0
interface Getter { fun get(key: String): String }
open class Cache<T>(private val db: Db) : Base(), Getter {
    override fun get(key: String): String {
        return db.fetch(key) ?: Util.format(key).trim()
    }
    companion object { fun create() = Cache<Int>(Db()) }
    private fun helper(x: Int) = x + 1
}
object Registry { val all = listOf(1) }
fun top(a: Int, b: Int = 2): Int = maxOf(a, b)
data class Pt(val x: Int)
typealias Id = String
enum class Color { RED }
