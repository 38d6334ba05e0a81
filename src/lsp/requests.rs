//! The request worker: answers requests one at a time.
//!
//! In: a request with the buffers as they were when it arrived. Out: one
//! response. A request the client cancelled while it waited is skipped (the
//! main loop already answered it); parameters that do not fit the method
//! get InvalidParams; an unknown method MethodNotFound; a handler that
//! panics InternalError, and the worker goes on with the next request.

use super::semantic::{self, At};
use super::workspace::{self, Snapshot};
use super::{actions, completion, definition, navigate, symbols, Shared};
use crossbeam_channel::Receiver;
use lsp_server::{ErrorCode, RequestId, Response, ResponseError};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    OneOf, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextEdit,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

/// One request to answer.
pub struct Job {
    pub id: RequestId,
    pub method: String,
    pub params: Value,
    pub snapshot: Snapshot,
}

/// What the server can do.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        definition_provider: Some(OneOf::Left(true)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec![".".into(), "\"".into(), "/".into(), " ".into()]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The worker's loop.
pub fn run(shared: Arc<Shared>, jobs: Receiver<Job>) {
    let mut kept = semantic::Kept::default();
    for job in jobs {
        if !shared.pending().contains(&job.id) {
            continue;
        }
        let id = job.id.clone();
        let answered =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(&job, &mut kept)));
        let response = match answered {
            Ok(Ok(value)) => Response::new_ok(id, value),
            Ok(Err(e)) => Response {
                id,
                response_result: Err(e),
            },
            Err(_) => {
                // The kept analyses may be half updated: start afresh.
                kept = semantic::Kept::default();
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("digitc lsp: `{}` failed inside the server", job.method),
                )
            }
        };
        shared.respond(response);
    }
}

type Answer = Result<Value, ResponseError>;

fn handle(job: &Job, kept: &mut semantic::Kept) -> Answer {
    let s = &job.snapshot;
    match job.method.as_str() {
        req::Formatting::METHOD => {
            let p: lsp_types::DocumentFormattingParams = params(job)?;
            to_value(formatting(s, p.text_document.uri.as_str()))
        }
        req::DocumentSymbolRequest::METHOD => {
            let p: lsp_types::DocumentSymbolParams = params(job)?;
            to_value(document_symbols(s, p.text_document.uri.as_str()))
        }
        req::GotoDefinition::METHOD => {
            let p: lsp_types::GotoDefinitionParams = params(job)?;
            let at = p.text_document_position_params;
            to_value(definition(
                s,
                kept,
                at.text_document.uri.as_str(),
                at.position,
            ))
        }
        req::HoverRequest::METHOD => {
            let p: lsp_types::HoverParams = params(job)?;
            let at = p.text_document_position_params;
            to_value(hover(s, kept, at.text_document.uri.as_str(), at.position))
        }
        req::CodeActionRequest::METHOD => {
            let p: lsp_types::CodeActionParams = params(job)?;
            to_value(actions::code_actions(s, &p))
        }
        req::Completion::METHOD => {
            let p: lsp_types::CompletionParams = params(job)?;
            let at = p.text_document_position;
            to_value(completion(
                s,
                kept,
                at.text_document.uri.as_str(),
                at.position,
            ))
        }
        m => Err(error(
            ErrorCode::MethodNotFound,
            format!("`{m}` is not supported by digitc lsp"),
        )),
    }
}

fn params<T: DeserializeOwned>(job: &Job) -> Result<T, ResponseError> {
    serde_json::from_value(job.params.clone()).map_err(|e| {
        error(
            ErrorCode::InvalidParams,
            format!("bad parameters for `{}`: {e}", job.method),
        )
    })
}

fn to_value(v: impl serde::Serialize) -> Answer {
    serde_json::to_value(v).map_err(|e| error(ErrorCode::InternalError, e.to_string()))
}

fn error(code: ErrorCode, message: String) -> ResponseError {
    ResponseError {
        code: code as i32,
        message,
        data: None,
    }
}

/// The path and text of a document: the open buffer, else the file.
pub fn document(s: &Snapshot, uri: &str) -> Option<(PathBuf, Arc<str>)> {
    let path = workspace::uri_to_path(uri)?;
    let text = s.text(&path)?;
    Some((path, text))
}

/// `textDocument/formatting`: the whole file as `digitc fmt` prints it, or
/// no edit when it is already so or has syntax errors.
fn formatting(s: &Snapshot, uri: &str) -> Option<Vec<TextEdit>> {
    let (_, text) = document(s, uri)?;
    let formatted = digit_lang::format::format(digit_lang::FileId(0), &text).ok()?;
    if *formatted == *text {
        return Some(Vec::new());
    }
    let index = digit_lang::source::LineIndex::new(&text);
    Some(vec![TextEdit {
        range: workspace::range(&index, &text, 0, text.len() as u32),
        new_text: formatted,
    }])
}

/// `textDocument/documentSymbol`: the outline of the syntax tree.
fn document_symbols(s: &Snapshot, uri: &str) -> Option<Vec<lsp_types::DocumentSymbol>> {
    let (_, text) = document(s, uri)?;
    let parse = digit_lang::parse(digit_lang::FileId(0), &text);
    Some(symbols::outline(&parse.module, &text))
}

/// Runs `f` on the kept analysis of the document at `pos`.
fn with_at<R>(
    s: &Snapshot,
    kept: &mut semantic::Kept,
    uri: &str,
    pos: lsp_types::Position,
    f: impl FnOnce(&At<'_>) -> Option<R>,
) -> Option<R> {
    let path = workspace::uri_to_path(uri)?;
    let a = kept.analysis(s, &path);
    let module = a.graph.by_path(&path)?;
    let file = a.graph.get(module)?.file;
    let source = a.sources.get(file)?;
    let offset = workspace::offset(source.lines(), &source.text, pos) as u32;
    let at = At::new(a, s, &path, offset)?;
    f(&at)
}

/// `textDocument/definition`: a module path to its file, `secrets.G.K` to
/// where it is stored, a field to its declaration, a name to its binding.
fn definition(
    s: &Snapshot,
    kept: &mut semantic::Kept,
    uri: &str,
    pos: lsp_types::Position,
) -> Option<lsp_types::GotoDefinitionResponse> {
    use lsp_types::GotoDefinitionResponse as R;
    let path = workspace::uri_to_path(uri)?;
    with_at(s, kept, uri, pos, |at| {
        let ast = &at.a.graph.get(at.module)?.ast;
        if let Some(loc) = definition::module_path(ast, &path, at.offset) {
            return Some(R::Scalar(loc));
        }
        if let Some((group, key)) = definition::secret_reference(ast, at.offset) {
            let sites = definition::secret_sites(s, &path, &group, &key);
            return (!sites.is_empty()).then_some(R::Array(sites));
        }
        navigate::definition(at).map(R::Scalar)
    })
}

/// `textDocument/hover`.
fn hover(
    s: &Snapshot,
    kept: &mut semantic::Kept,
    uri: &str,
    pos: lsp_types::Position,
) -> Option<lsp_types::Hover> {
    with_at(s, kept, uri, pos, |at| {
        let ast = &at.a.graph.get(at.module)?.ast;
        let reference =
            definition::secret_reference(ast, at.offset).or_else(|| navigate::secret_entry_at(at));
        if let Some((group, key)) = reference {
            let path = workspace::uri_to_path(uri)?;
            let n = definition::secret_sites(s, &path, &group, &key).len();
            return Some(lsp_types::Hover {
                contents: lsp_types::HoverContents::Markup(lsp_types::MarkupContent {
                    kind: lsp_types::MarkupKind::Markdown,
                    value: format!(
                        "```digit\nsecrets.{}\n```\n\nA secret (`{}`): stored encrypted in {n} \
                         file{} of the workspace; its value is never shown.",
                        digit_compiler::secret::aad_path(&group, &key),
                        digit_compiler::secret::aad_path(&group, &key),
                        if n == 1 { "" } else { "s" }
                    ),
                }),
                range: None,
            });
        }
        navigate::hover(at)
    })
}

/// `textDocument/completion`: module paths inside `amends`/`import`
/// strings; otherwise what the semantic model says may go at the cursor.
fn completion(
    s: &Snapshot,
    kept: &mut semantic::Kept,
    uri: &str,
    pos: lsp_types::Position,
) -> Option<lsp_types::CompletionResponse> {
    let (path, text) = document(s, uri)?;
    let index = digit_lang::source::LineIndex::new(&text);
    let offset = workspace::offset(&index, &text, pos) as u32;
    if let Some((start, written)) = completion::module_path_at(&text, offset) {
        let items = completion::module_paths(s, &path, &text, start, &written);
        return Some(lsp_types::CompletionResponse::Array(items));
    }
    with_at(s, kept, uri, pos, |at| {
        let (cursor, start) = semantic::cursor(at.text, at.offset);
        let items = semantic::complete(at, &cursor, start);
        Some(lsp_types::CompletionResponse::List(
            lsp_types::CompletionList {
                is_incomplete: false,
                items,
            },
        ))
    })
}
