// Minimal Language Server Protocol client over stdio, enough to ask a
// language server (gopls, pyright-langserver) for document symbols and
// references. Written for this benchmark; it speaks JSON-RPC 2.0 with the
// Content-Length framing of the LSP base protocol.
import { spawn } from 'node:child_process';
import { pathToFileURL, fileURLToPath } from 'node:url';

export const toURI = (p) => pathToFileURL(p).href;
export const fromURI = (u) => fileURLToPath(u);

export class LSPClient {
  // cmd/args start the server; settings answers workspace/configuration
  // (a function from a section name to its value).
  constructor(cmd, args, { cwd, env, settings = () => null, log = () => {} } = {}) {
    this.proc = spawn(cmd, args, { cwd, env: env || process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.nextId = 1;
    this.pending = new Map();
    this.buf = Buffer.alloc(0);
    this.settings = settings;
    this.log = log;
    this.stderr = '';
    this.proc.stdout.on('data', (d) => this.onData(d));
    this.proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-20000); });
    this.exited = new Promise((res) => this.proc.on('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`${cmd} exited (${code}): ${this.stderr.slice(-2000)}`));
      this.pending.clear();
      res(code);
    }));
  }

  onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const header = this.buf.subarray(0, sep).toString('ascii');
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m) throw new Error(`bad LSP header: ${header}`);
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) return;
      const body = this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(sep + 4 + len);
      this.dispatch(JSON.parse(body));
    }
  }

  dispatch(msg) {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) { // a request from the server
      let result = null;
      if (msg.method === 'workspace/configuration') {
        result = (msg.params.items || []).map((it) => this.settings(it.section || ''));
      } else if (msg.method === 'workspace/workspaceFolders') {
        result = this.workspaceFolders || null;
      }
      this.send({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    // notifications: logs and progress are ignored, but kept for debugging
    if (msg.method === 'window/logMessage' || msg.method === 'window/showMessage') this.log(msg.params.message);
    if (this.onNotification) this.onNotification(msg);
  }

  send(obj) {
    const body = Buffer.from(JSON.stringify(obj), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request(method, params, timeoutMs = 600000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.pending.delete(id); reject(new Error(`${method} timed out`)); }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => { clearTimeout(t); resolve(v); },
        reject: (e) => { clearTimeout(t); reject(e); },
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method, params) { this.send({ jsonrpc: '2.0', method, params }); }

  async initialize(rootDir, initializationOptions = {}) {
    this.workspaceFolders = [{ uri: toURI(rootDir), name: 'root' }];
    const res = await this.request('initialize', {
      processId: process.pid,
      rootUri: toURI(rootDir),
      workspaceFolders: this.workspaceFolders,
      initializationOptions,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: {
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          references: {},
          synchronization: { didSave: false },
        },
        window: { workDoneProgress: false },
      },
    });
    this.notify('initialized', {});
    return res;
  }

  async shutdown() {
    try {
      await this.request('shutdown', null, 20000);
      this.notify('exit', null);
    } catch { /* the server may already be gone */ }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
