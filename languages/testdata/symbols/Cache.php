<?php
namespace App\Store;
use App\Util\Format;
use Psr\Log\LoggerInterface as Logger;
require_once __DIR__ . '/helpers.php';
const MAX = 5;
interface Getter { public function get(string $key): string; }
trait Loggable { protected function log($m) {} }
class Cache extends Base implements Getter {
    private const TTL = 60;
    private array $items = [];
    public function get(string $key): string {
        return $this->items[$key] ?? Format::str($key) . helper($key) . $this->db->fetch();
    }
    private static function make() { return new static(); }
}
function helper($x) { return strlen($x); }
enum Suit { case Hearts; }
