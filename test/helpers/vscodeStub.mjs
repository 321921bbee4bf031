// The few classes of the `vscode` module that the notebook serializer uses, written
// after VS Code's own (src/vs/workbench/api/common/extHostTypes.ts; checked against
// code-server 4.139.1's extensionHostProcess.js): output items are bytes, and
// NotebookCellOutputItem.json is JSON.stringify(value, undefined, "\t") (so NaN and
// Infinity become null unless the payload was encoded first). Lets the serializer run
// in Node to save a notebook exactly as VS Code would; test/integration/ runs the real one.
const encoder = new TextEncoder();

export const NotebookCellKind = { Markup: 1, Code: 2 };

export class NotebookCellOutputItem {
  constructor(data, mime) {
    this.data = data;
    this.mime = mime;
  }
  static text(value, mime = "text/plain") { return new NotebookCellOutputItem(encoder.encode(String(value)), mime); }
  static json(value, mime = "text/x-json") { return NotebookCellOutputItem.text(JSON.stringify(value, undefined, "\t"), mime); }
  static stdout(value) { return NotebookCellOutputItem.text(value, "application/vnd.code.notebook.stdout"); }
  static stderr(value) { return NotebookCellOutputItem.text(value, "application/vnd.code.notebook.stderr"); }
  static error(e) { return NotebookCellOutputItem.json({ name: e.name, message: e.message, stack: e.stack }, "application/vnd.code.notebook.error"); }
}

export class NotebookCellOutput {
  constructor(items, metadata) {
    this.items = items;
    this.metadata = metadata;
  }
}

export class NotebookCellData {
  constructor(kind, value, languageId) {
    this.kind = kind;
    this.value = value;
    this.languageId = languageId;
  }
}

export class NotebookData {
  constructor(cells) {
    this.cells = cells;
  }
}
