package codebase

import (
	"slices"
	"strings"
	"testing"
)

// The snippets below are written for these tests in the style of CommonJS
// packages (a SQL client, a mailer, a logger); no third-party code.

// jsImpact analyses base → base with one replacement in file and returns
// the locations listed for symbol.
func jsImpact(t *testing.T, base map[string]string, file, old, new, symbol string) []string {
	t.Helper()
	if !strings.Contains(base[file], old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	head := strings.Replace(base[file], old, new, 1)
	a, _ := analyzeCommits(t, base, map[string]string{file: head}, 0)
	im := findImpact(a, symbol)
	if im == nil {
		t.Fatalf("no impact for %s:\n%s", symbol, dumpAnalysis(a))
	}
	return im.Locations
}

// An ES class's constructor in JavaScript is called by new C(...): where
// the class is its module's export (module.exports = C, or module.exports
// = class C) required under its name; not by a new C of a file that
// requires something else.
func TestJSClassConstructorCalledByNew(t *testing.T) {
	base := map[string]string{
		"lib/query.js": `'use strict'
const EventEmitter = require('events')

class Query extends EventEmitter {
  constructor(config, values) {
    super()
    this.text = config.text
    this.values = values
  }

  submit(connection) {
    connection.query(this.text)
  }
}

module.exports = Query
`,
		"lib/connection.js": `'use strict'
module.exports = class Connection {
  constructor(options) {
    this.options = options || {}
  }
}
`,
		"lib/client.js": `'use strict'
const Query = require('./query')
const Connection = require('./connection')

class Client {
  connect() {
    this.connection = new Connection(this.options)
  }

  query(config, values) {
    const query = new Query(config, values)
    query.submit(this.connection)
    return query
  }
}

module.exports = Client
`,
		"lib/native.js": `'use strict'
const Query = require('pg-native').Query

function run(config) {
  return new Query(config)
}

module.exports = run
`,
	}
	got := jsImpact(t, base, "lib/query.js", "this.values = values", "this.values = values || []", "Query.constructor")
	if want := []string{loc("lib/client.js", lineOf(t, base["lib/client.js"], "new Query(config, values)"))}; !slices.Equal(got, want) {
		t.Errorf("Query.constructor: locations = %v, want %v (native.js's Query is pg-native's)", got, want)
	}
	got = jsImpact(t, base, "lib/connection.js", "options || {}", "options || { port: 5432 }", "Connection.constructor")
	if want := []string{loc("lib/client.js", lineOf(t, base["lib/client.js"], "new Connection(this.options)"))}; !slices.Equal(got, want) {
		t.Errorf("Connection.constructor: locations = %v, want %v", got, want)
	}
}

// this.parseRow = this._parseRowAsArray replaces the method on one
// object; it does not call it.
func TestJSMemberAssignmentIsNoUse(t *testing.T) {
	base := map[string]string{
		"lib/result.js": `'use strict'
class Result {
  constructor(rowMode) {
    this.rows = []
    if (rowMode === 'array') {
      this.parseRow = this._parseRowAsArray
    }
  }

  parseRow(rowData) {
    return Object.assign({}, rowData)
  }

  _parseRowAsArray(rowData) {
    return rowData.slice()
  }
}

module.exports = Result
`,
		"lib/query.js": `'use strict'
const Result = require('./result')

class Query {
  constructor() {
    this._result = new Result()
  }

  handleDataRow(msg) {
    const row = this._result.parseRow(msg.fields)
    this._result.rows.push(row)
  }
}

module.exports = Query
`,
	}
	got := jsImpact(t, base, "lib/result.js", "return Object.assign({}, rowData)", "return { ...rowData }", "Result.parseRow")
	if want := []string{loc("lib/query.js", lineOf(t, base["lib/query.js"], "this._result.parseRow(msg.fields)"))}; !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v", got, want)
	}
}

// tls.connect, with tls bound to require('tls'), is Node's, not the
// repository's connect of the same name.
func TestJSMemberOfExternalModule(t *testing.T) {
	base := map[string]string{
		"lib/smtp-connection.js": `'use strict'
const tls = require('tls')

class SMTPConnection {
  connect(callback) {
    this._socket = this.options.socket
    callback()
  }

  _upgradeConnection(callback) {
    this._socket = tls.connect(this.options.tls, () => callback(null, true))
  }

  reconnect(callback) {
    this.connect(callback)
  }
}

module.exports = SMTPConnection
`,
		"lib/smtp-transport.js": `'use strict'
const SMTPConnection = require('./smtp-connection')
const net = require('net')

function send(options, callback) {
  const connection = new SMTPConnection(options)
  connection.connect(() => callback(null, connection))
  net.connect(options.port)
}

module.exports = send
`,
	}
	got := jsImpact(t, base, "lib/smtp-connection.js", "callback()\n", "setImmediate(callback)\n", "SMTPConnection.connect")
	want := []string{
		loc("lib/smtp-connection.js", lineOf(t, base["lib/smtp-connection.js"], "this.connect(callback)")),
		loc("lib/smtp-transport.js", lineOf(t, base["lib/smtp-transport.js"], "connection.connect(")),
	}
	if !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v (tls.connect and net.connect are Node's)", got, want)
	}
}

// A bare name inside a function that declares a local of that name (a
// const before it, a parameter) is the local, not the module's definition;
// a const of a closed block or of a finished for loop no longer is.
func TestJSLocalShadowsModuleName(t *testing.T) {
	base := map[string]string{
		"lib/http.js": `'use strict'
const { configure } = require('safe-stable-stringify')

function stringify(value) {
  return JSON.stringify(value)
}

class Http {
  _request(options) {
    const stringify = configure({ maximumDepth: this.maximumDepth })
    return stringify(options)
  }

  _batch(options) {
    if (options.batch) {
      const stringify = configure({})
      options.body = stringify(options.batch)
    }
    return stringify(options)
  }

  _format(options, stringify) {
    return stringify(options)
  }

  log(info) {
    for (const stringify of this.formatters) {
      info = stringify(info)
    }
    return stringify(info)
  }
}

module.exports = Http
`,
	}
	src := base["lib/http.js"]
	got := jsImpact(t, base, "lib/http.js", "return JSON.stringify(value)", "return JSON.stringify(value, null, 2)", "http.stringify")
	lines := strings.Split(src, "\n")
	var wantBatch int
	for i, l := range lines {
		if strings.Contains(l, "return stringify(options)") && i > lineOf(t, src, "options.body = stringify") {
			wantBatch = i + 1
			break
		}
	}
	want := []string{loc("lib/http.js", wantBatch), loc("lib/http.js", lineOf(t, src, "return stringify(info)"))}
	if !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v (the block's const has closed by _batch's return, the loop's by log's)", got, want)
	}
}

// A module's exported function is reached as q.f only where q is bound to
// that module (const shared = require('../shared'), or an inline require);
// mail.resolveContent is some object's method of that name.
func TestJSQualifiedExportNeedsModuleBinding(t *testing.T) {
	base := map[string]string{
		"lib/shared/index.js": `'use strict'
module.exports.resolveContent = function (data, key, callback) {
  callback(null, data[key])
}
`,
		"lib/mailer/mail-message.js": `'use strict'
const shared = require('../shared')

class MailMessage {
  resolveContent(...args) {
    return shared.resolveContent(...args)
  }
}

module.exports = MailMessage
`,
		"lib/mailer/index.js": `'use strict'
const shared = require('../shared')
const MailMessage = require('./mail-message')

function send(data, callback) {
  const mail = new MailMessage(data)
  mail.resolveContent(mail.data, 'html', callback)
  require('../shared').resolveContent(data, 'text', callback)
  return shared
}

module.exports = send
`,
	}
	got := jsImpact(t, base, "lib/shared/index.js", "callback(null, data[key])", "setImmediate(() => callback(null, data[key]))", "shared.resolveContent")
	want := []string{
		loc("lib/mailer/index.js", lineOf(t, base["lib/mailer/index.js"], "require('../shared').resolveContent")),
		loc("lib/mailer/mail-message.js", lineOf(t, base["lib/mailer/mail-message.js"], "shared.resolveContent(...args)")),
	}
	if !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v", got, want)
	}
}

// A member name that four classes declare (log) is taken in its own file
// through this (or self) or a value that names the class, not through any
// value: transport.log is a transport's.
func TestJSSharedMemberInOwnFile(t *testing.T) {
	transport := func(name string) string {
		return "'use strict'\nclass " + name + " {\n  log(info, callback) {\n    callback()\n  }\n}\n\nmodule.exports = " + name + "\n"
	}
	base := map[string]string{
		"lib/logger.js": `'use strict'
class Logger {
  log(level, msg) {
    this.write({ level, message: msg })
    return this
  }

  add(transport) {
    if (transport.log.length > 2) {
      this.log('warn', 'legacy transport')
    }
    const self = this
    process.nextTick(() => self.log('info', 'added'))
    return this
  }

  child(parentLogger) {
    return parentLogger.log('debug', 'child')
  }
}

module.exports = Logger
`,
		"lib/transports/console.js": transport("Console"),
		"lib/transports/file.js":    transport("File"),
		"lib/transports/http.js":    transport("Http"),
	}
	src := base["lib/logger.js"]
	got := jsImpact(t, base, "lib/logger.js", "this.write({ level, message: msg })", "this.write({ level, message: String(msg) })", "Logger.log")
	want := []string{
		loc("lib/logger.js", lineOf(t, src, "this.log('warn'")),
		loc("lib/logger.js", lineOf(t, src, "self.log('info'")),
		loc("lib/logger.js", lineOf(t, src, "parentLogger.log(")),
	}
	if !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v", got, want)
	}
}

// this.cursor() in a file whose own class declares cursor (Aggregate) is
// that class's, even inside a method the extractor does not name
// (X.prototype[Symbol.asyncIterator] = function); in a file that declares
// no cursor it may be the changed one.
func TestJSThisInFileDeclaringTheMember(t *testing.T) {
	base := map[string]string{
		"lib/query.js": `'use strict'
function Query(conditions) {
  this._conditions = conditions
}

Query.prototype.cursor = function(opts) {
  return new QueryCursor(this, opts)
}

module.exports = Query
`,
		"lib/aggregate.js": `'use strict'
const Query = require('./query')

function Aggregate(pipeline) {
  this._pipeline = pipeline
}

Aggregate.prototype.cursor = function(options) {
  this.options.cursor = options || {}
  return this
}

Aggregate.prototype[Symbol.asyncIterator] = function() {
  return this.cursor({ useMongooseAggCursor: true }).transformNull()
}

Aggregate.prototype.toQuery = function() {
  return new Query(this._pipeline)
}

module.exports = Aggregate
`,
		"lib/model.js": `'use strict'
const Query = require('./query')

function Model() {}

Model.prototype[Symbol.asyncIterator] = function() {
  return this.find().cursor().transformNull()
}

Model.prototype.find = function() {
  return new Query({})
}

module.exports = Model
`,
	}
	got := jsImpact(t, base, "lib/query.js", "return new QueryCursor(this, opts)", "return new QueryCursor(this, opts || {})", "Query.cursor")
	if want := []string{loc("lib/model.js", lineOf(t, base["lib/model.js"], "this.find().cursor()"))}; !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v (aggregate.js's this.cursor is Aggregate's)", got, want)
	}
}

// The line that binds a module's default export under a local name
// (const ArrayMethods = require('../array/methods')) lists as an import
// line does; for a class's constructor it does not.
func TestJSDefaultRequireLineListed(t *testing.T) {
	base := map[string]string{
		"lib/array/methods.js": `'use strict'
const methods = {
  shift() {
    return [].shift.call(this)
  }
}

module.exports = methods
`,
		"lib/document-array.js": `'use strict'
const ArrayMethods = require('./array/methods')

function shiftAll(arr) {
  return ArrayMethods.shift.apply(arr)
}

module.exports = shiftAll
`,
	}
	got := jsImpact(t, base, "lib/array/methods.js", "return [].shift.call(this)", "return [].shift.call(this.__array)", "methods.methods")
	want := []string{
		loc("lib/array/methods.js", lineOf(t, base["lib/array/methods.js"], "module.exports = methods")),
		loc("lib/document-array.js", lineOf(t, base["lib/document-array.js"], "require('./array/methods')")),
		loc("lib/document-array.js", lineOf(t, base["lib/document-array.js"], "ArrayMethods.shift.apply")),
	}
	if !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v", got, want)
	}
	// TestJSClassConstructorCalledByNew checks that client.js's
	// const Query = require('./query') is not listed for the constructor.
}

// A member name too common to match by name (close) is still found where
// the receiver says whose it is: this in the class's own methods, or a
// value named after the class (this._sender for Sender); this.close() in
// another class and this._socket.close() are not it.
func TestJSCommonNameThroughNamedReceiver(t *testing.T) {
	base := map[string]string{
		"lib/sender.js": `'use strict'
class Sender {
  constructor(socket) {
    this._socket = socket
  }

  close(code, cb) {
    this._socket.write(Buffer.from([0x88, code]), cb)
  }

  abort() {
    this.close(1006)
  }
}

module.exports = Sender
`,
		"lib/websocket.js": `'use strict'
const Sender = require('./sender')

class WebSocket {
  setSocket(socket) {
    this._socket = socket
    this._sender = new Sender(socket)
  }

  close(code) {
    this._sender.close(code, () => this._socket.close())
  }

  terminate() {
    this.close(1001)
  }
}

module.exports = WebSocket
`,
	}
	head := strings.Replace(base["lib/sender.js"], "Buffer.from([0x88, code]), cb)", "Buffer.from([0x88, code & 0xff]), cb)", 1)
	a, _ := analyzeCommits(t, base, map[string]string{"lib/sender.js": head}, 0)
	im := findImpact(a, "Sender.close")
	if im == nil {
		t.Fatalf("no impact for Sender.close:\n%s", dumpAnalysis(a))
	}
	if !strings.Contains(im.Summary, "receiver named after its class") {
		t.Errorf("summary = %q, want it to say how the receiver was judged", im.Summary)
	}
	got := im.Locations
	want := []string{
		loc("lib/sender.js", lineOf(t, base["lib/sender.js"], "this.close(1006)")),
		loc("lib/websocket.js", lineOf(t, base["lib/websocket.js"], "this._sender.close(code")),
	}
	if !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v", got, want)
	}
}

// A method of a module.exports = { ... } object is reached by the object
// itself as this.name, and elsewhere through the module's binding.
func TestJSObjectLiteralMethodThroughThis(t *testing.T) {
	base := map[string]string{
		"lib/response.js": `'use strict'
const contentDisposition = require('content-disposition')

module.exports = {
  attachment(filename) {
    this.type = filename
    this.header('Content-Disposition', contentDisposition(filename))
  },

  header: function (field, val) {
    this.res.setHeader(field, val)
  },

  redirect(url) {
    this.header('Location', url)
  }
}
`,
		"lib/application.js": `'use strict'
const response = require('./response')

function respond(ctx) {
  response.header.call(ctx, 'X-Powered-By', 'app')
  ctx.res.header('Vary', 'Accept')
}

module.exports = respond
`,
	}
	src := base["lib/response.js"]
	got := jsImpact(t, base, "lib/response.js", "this.res.setHeader(field, val)", "this.res.setHeader(field, String(val))", "response.header")
	want := []string{
		loc("lib/application.js", lineOf(t, base["lib/application.js"], "response.header.call")),
		loc("lib/response.js", lineOf(t, src, "this.header('Content-Disposition'")),
		loc("lib/response.js", lineOf(t, src, "this.header('Location'")),
	}
	if !slices.Equal(got, want) {
		t.Errorf("locations = %v, want %v", got, want)
	}
}
