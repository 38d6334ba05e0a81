// Starts `digitc lsp` for .dg files. Everything the editor shows comes
// from the server; this file only launches it.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("digit").get("server.path") || "digitc";
  const run = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "digit",
    "digit language server",
    { run, debug: run },
    {
      documentSelector: [{ scheme: "file", language: "digit" }],
      synchronize: {
        // New, deleted and renamed .dg files reach the server, which checks
        // the workspace again.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.dg"),
      },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
