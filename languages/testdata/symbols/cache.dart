import 'package:http/http.dart' as http;

/* A cache
   with a block comment: class Fake { } */
class Cache<T> extends Base {
  final Map<String, T> _items = {};

  Future<String> get(String key) async {
    final res = await http.get(Uri.parse("https://x/$key"));
    return res.body;
  }
}

void main() {
  Cache().get('a');
}
