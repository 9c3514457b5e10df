/**
 * Editor diagnostics: the ESLint language server that editors run (vscode-eslint's server, from
 * vscode-langservers-extracted), spoken to over stdio in LSP JSON-RPC. The server loads ESLint from the workspace's
 * node_modules, which loads the plugin from the workspace's config. Opening a leaking file must produce the rule's
 * message at the right range, and the rule's suggestion must come back as a quick fix.
 *
 * The server in vscode-langservers-extracted 4.10 (vscode-eslint 3) reports diagnostics only through LSP 3.17's pull
 * model: it advertises `diagnosticProvider` and answers `textDocument/diagnostic`; it never sends
 * `textDocument/publishDiagnostics`. The client asks, as VS Code does.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ESLINT_CONFIG_JS,
  LEAK,
  LEAKY_WORKER_TS,
  QUEUE_TS,
  ROOT_MODULES,
  TSCONFIG,
  ensureBuild,
  killChildren,
  linkedProject,
  removeTempDirs,
  start,
} from './helpers.js';

const SERVER = path.join(ROOT_MODULES, 'vscode-langservers-extracted', 'bin', 'vscode-eslint-language-server');
const RULE = 'workqueue/require-done';

interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface Diagnostic {
  range: Range;
  message: string;
  severity?: number;
  source?: string;
  code?: string | number | { value: string | number; target: string };
  codeDescription?: { href: string };
}
interface TextEdit {
  range: Range;
  newText: string;
}
interface WorkspaceEdit {
  changes?: Record<string, TextEdit[]>;
  documentChanges?: { textDocument: { uri: string }; edits: TextEdit[] }[];
}
interface CodeAction {
  title: string;
  kind?: string;
  diagnostics?: Diagnostic[];
  edit?: WorkspaceEdit;
  command?: { title: string; command: string; arguments?: unknown[] };
}

/** A minimal LSP client: Content-Length framed JSON-RPC over the server's stdin/stdout. */
class LspClient {
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Set<(message: Message) => void>();
  readonly log: string[] = [];

  constructor(
    private readonly child: ChildProcess,
    private readonly onRequest: (method: string, params: unknown) => unknown,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    child.stderr?.on('data', (chunk: Buffer) => this.log.push(chunk.toString()));
    child.on('exit', (code, signal) => {
      for (const { reject } of this.pending.values()) reject(new Error(`server exited (${code ?? signal ?? ''})`));
      this.pending.clear();
    });
  }

  private drain(): void {
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server.
      let result: unknown = null;
      try {
        result = this.onRequest(message.method, message.params) ?? null;
      } catch (error) {
        this.write({ jsonrpc: '2.0', id: message.id, error: { code: -32603, message: String(error) } });
        return;
      }
      this.write({ jsonrpc: '2.0', id: message.id, result });
      return;
    }
    if (message.method !== undefined) {
      if (message.method === 'window/logMessage') this.log.push(JSON.stringify(message.params));
      for (const listener of this.listeners) listener(message);
      return;
    }
    const pending = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!pending) return;
    this.pending.delete(message.id as number);
    if (message.error) pending.reject(new Error(`${message.error.code}: ${message.error.message}`));
    else pending.resolve(message.result);
  }

  private write(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin?.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin?.write(body);
  }

  request<T>(method: string, params: unknown, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms; server log:\n${this.log.join('\n')}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the first notification `method` whose params satisfy `accept`. */
  waitFor<T>(method: string, accept: (params: T) => boolean, timeoutMs = 90_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const listener = (message: Message): void => {
        if (message.method !== method || !accept(message.params as T)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(message.params as T);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${method} after ${timeoutMs} ms; server log:\n${this.log.join('\n')}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }
}

const codeOf = (diagnostic: Diagnostic): string | number | undefined =>
  typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;

let project: string;
let server: ChildProcess;
let client: LspClient;
let fileUri: string;
let text: string;
let diagnostics: Diagnostic[];
/** Edits the server asked the client to apply (`workspace/applyEdit`), as VS Code applies them. */
const appliedEdits: WorkspaceEdit[] = [];

beforeAll(async () => {
  await ensureBuild();
  project = linkedProject('lsp', {
    'eslint.config.js': ESLINT_CONFIG_JS,
    'tsconfig.json': TSCONFIG,
    'src/queue.ts': QUEUE_TS,
    'src/leaky.ts': LEAKY_WORKER_TS,
  });
  const projectUri = pathToFileURL(project).href;
  fileUri = pathToFileURL(path.join(project, 'src', 'leaky.ts')).href;
  text = LEAKY_WORKER_TS;

  const workspaceFolder = { name: path.basename(project), uri: projectUri };
  // What VS Code's ESLint extension sends for `workspace/configuration` (section ''), with its defaults.
  const settings = {
    validate: 'on',
    packageManager: 'npm',
    useESLintClass: false,
    useFlatConfig: true,
    experimental: {},
    codeAction: {
      disableRuleComment: { enable: true, location: 'separateLine', commentStyle: 'line' },
      showDocumentation: { enable: true },
    },
    codeActionOnSave: { enable: false, mode: 'all' },
    format: false,
    quiet: false,
    onIgnoredFiles: 'off',
    options: {},
    rulesCustomizations: [],
    run: 'onType',
    problems: { shortenToSingleLine: false },
    nodePath: null,
    workingDirectory: { mode: 'location' },
    workspaceFolder,
  };

  server = start(process.execPath, [SERVER, '--stdio'], project);
  client = new LspClient(server, (method, params) => {
    switch (method) {
      case 'workspace/configuration':
        return (params as { items: unknown[] }).items.map(() => settings);
      case 'workspace/workspaceFolders':
        return [workspaceFolder];
      case 'workspace/applyEdit':
        appliedEdits.push((params as { edit: WorkspaceEdit }).edit);
        return { applied: true };
      default:
        // client/registerCapability, workspace/diagnostic/refresh, window/workDoneProgress/create: acknowledge.
        return null;
    }
  });

  await client.request('initialize', {
    processId: process.pid,
    clientInfo: { name: 'workqueue-integration-test' },
    rootUri: projectUri,
    workspaceFolders: [workspaceFolder],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
      textDocument: {
        synchronization: { didSave: true },
        publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
        diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
        codeAction: {
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'source', 'source.fixAll', 'source.fixAll.eslint'] } },
        },
      },
    },
  });
  client.notify('initialized', {});
  client.notify('workspace/didChangeConfiguration', { settings: {} });

  client.notify('textDocument/didOpen', { textDocument: { uri: fileUri, languageId: 'typescript', version: 1, text } });
  const report = await client.request<{ kind: string; items: Diagnostic[] }>(
    'textDocument/diagnostic',
    { textDocument: { uri: fileUri } },
    90_000,
  );
  expect(report.kind).toBe('full');
  // Only require-done's diagnostic is asserted: other rules of the config may report on the same worker.
  diagnostics = report.items.filter((diagnostic) => codeOf(diagnostic) === RULE);
}, 120_000);

afterAll(async () => {
  try {
    if (server.exitCode === null) {
      await client.request('shutdown', null, 5_000);
      client.notify('exit', null);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3_000);
        server.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  } catch {
    // killed below
  } finally {
    killChildren();
    removeTempDirs();
  }
});

describe('vscode-eslint-language-server', () => {
  it("reports the rule's diagnostic at the leak's range (textDocument/diagnostic)", () => {
    expect(diagnostics).toHaveLength(1);
    const [diagnostic] = diagnostics;
    expect(diagnostic?.source).toBe('eslint');
    expect(diagnostic?.severity).toBe(1); // Error
    // LSP positions are zero-based; ESLint's lines and columns one-based (end column exclusive in both).
    expect(diagnostic?.range).toEqual({
      start: { line: LEAK.line - 1, character: LEAK.column - 1 },
      end: { line: LEAK.endLine - 1, character: LEAK.endColumn - 1 },
    });
    expect(diagnostic?.message).toMatch(/^The item from `queue\.get\(\)` \(line 6\) is not marked done at the `return` on line 13\./);
    expect(diagnostic?.codeDescription?.href ?? (diagnostic?.code as { target?: string }).target).toMatch(
      /docs\/rules\/require-done\.md$/,
    );
  });

  it("returns the rule's suggestion as a quick fix from textDocument/codeAction", async () => {
    const [diagnostic] = diagnostics;
    if (!diagnostic) throw new Error('no require-done diagnostic');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: fileUri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    });
    const titles = actions.map((action) => action.title);
    // Besides the suggestion, the server offers to disable the rule and to show its documentation.
    expect(titles).toContain(`Disable ${RULE} for this line`);
    expect(titles).toContain(`Show documentation for ${RULE}`);
    // The server titles a suggestion `<desc> (<rule>)`.
    const suggestion = actions.find((action) => action.title.endsWith(`(${RULE})`));
    expect(suggestion?.title).toMatch(/^Move the statements before the `try` into it/);
    expect(suggestion?.kind).toBe('quickfix');
    // The action carries a command; executing it makes the server send the edit back (`workspace/applyEdit`).
    let edit = suggestion?.edit;
    if (!edit && suggestion?.command) {
      await client.request('workspace/executeCommand', {
        command: suggestion.command.command,
        arguments: suggestion.command.arguments,
      });
      edit = appliedEdits.at(-1);
    }
    const edits = edit?.changes?.[fileUri] ?? edit?.documentChanges?.find((change) => change.textDocument.uri === fileUri)?.edits ?? [];
    expect(edits.length).toBeGreaterThan(0);
    // Applying the edit yields a worker whose `try` begins right after the shutdown check.
    const lines = text.split('\n');
    const offsetOf = (p: Position): number =>
      lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
    let fixed = text;
    for (const edit of [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start))) {
      fixed = fixed.slice(0, offsetOf(edit.range.start)) + edit.newText + fixed.slice(offsetOf(edit.range.end));
    }
    expect(fixed).toMatch(/if \(shutdown\) \{\s*return false;\s*\}\s*try \{\s*if \(queue\.numRequeues\(key\) > 10\)/);
    expect(fixed.match(/queue\.done\(key\)/g)).toHaveLength(1);
  });
});
