//! Evaluation: lazy, memoised, late-bound objects.
//!
//! In: the module graph and an entry module. Out: the entry module's value
//! (an [`Object`] whose fields are computed on demand) and the problems met
//! while computing. Guarantees: no panic and no stack overflow on any input
//! (recursion points grow the stack with `stacker`), termination (a step
//! budget, and cycles reported as errors naming the cycle), and one
//! diagnostic per mistake (values whose error is reported become
//! `Invalid`, and operations on `Invalid` stay quiet).

pub mod bindings;
pub mod builtins;
pub mod check;
mod entries;
pub mod error;
pub mod expr;
pub mod fields;
mod hints;
pub mod object;
pub mod ops;
pub mod scope;

pub use error::EvalError;
pub use object::{Arena, FieldPath, Layer, ObjId, ObjKind, Object, Src};

use crate::loader::Loader;
use crate::modules::{ModuleGraph, ModuleId};
use crate::types::{Ty, TypeEnv};
use crate::value::Value;
use digit_lang::{Diagnostic, Problems, Span, ToDiagnostic};
use object::{BodyIndex, GenKeys, SyntaxId};
use scope::{Scope, ScopeNode};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

/// A hash map with a fast, non-cryptographic hasher, for the evaluator's
/// memo tables and caches (keys are field names and ids, never iterated). SipHash was a tenth of the time of `check`.
pub type FastMap<K, V> = HashMap<K, V, FastHash>;

/// A set with the hasher of [`FastMap`].
pub type FastSet<K> = std::collections::HashSet<K, FastHash>;

/// The builder of [`FxHasher`]s.
pub type FastHash = std::hash::BuildHasherDefault<FxHasher>;

/// The multiply-rotate hasher of rustc (`FxHasher`).
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.write_u8(b);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The label of another read of a missing key (see
/// [`Evaluator::report_missing`]).
const ALSO_READ: &str = "also read here";

/// A missing key's problem (E0501): its position among the problems kept,
/// its span, and the reads past [`MAX_ALSO_READ`] counted in a note.
type MissingRead = (usize, Span, u32);

/// The note counting the reads of a missing key past [`MAX_ALSO_READ`].
const MORE_READS: &str = "also read in ";

/// The most other reads of one missing key labelled; the rest are counted.
const MAX_ALSO_READ: usize = 5;

/// Steps one evaluation may take before it is stopped.
pub const DEFAULT_FUEL: u64 = 10_000_000;

/// How many fields may be being computed at once (each needing the next).
/// Real configurations stay below a hundred; each level costs stack and
/// often a new object, so an endless chain is stopped here, early.
pub const MAX_FIELD_DEPTH: usize = 2_000;

/// The most elements a list, or bytes a string, may hold; and the most
/// values one value may contain, counted through shared parts (what `eval`
/// would print).
pub const MAX_VALUE_SIZE: u64 = 4_000_000;

/// The most problems one evaluation keeps; the rest are counted in one
/// last diagnostic (E0523).
pub const MAX_PROBLEMS: usize = 10_000;

/// Candidates all the did-you-mean suggestions of one evaluation may
/// compare, together.
pub const SUGGEST_BUDGET: u64 = 200_000;

/// The most records one evaluation may build, each counted with its layers
/// (a generated platform of 1 500 services builds 21 070).
pub const MAX_OBJECT_WEIGHT: u64 = 1_000_000;

/// Evaluates the modules of one graph.
pub struct Evaluator<'a> {
    pub graph: &'a ModuleGraph,
    pub types: TypeEnv<'a>,
    loader: &'a dyn Loader,
    /// `read_file` may only read below this directory.
    project_root: PathBuf,
    problems: RefCell<Problems>,
    fuel: Cell<u64>,
    /// The budget [`Self::fuel`] started from.
    initial_fuel: Cell<u64>,
    /// Problems not kept past [`MAX_PROBLEMS`], and the span of the first.
    dropped: Cell<(u64, Option<Span>)>,
    /// Candidates did-you-mean may still look at in this evaluation: every
    /// suggestion spends the number it compares, and once this is spent,
    /// errors come without one (10 000 undefined names in a scope of
    /// 10 000 must not cost 10^8 comparisons).
    suggest_left: Cell<u64>,
    /// Records built so far, each counted with its layers: what bounds the
    /// memory of values that amend themselves (`base = { r = base { } }`).
    built_objects: Cell<u64>,
    /// Every object made, indexed by its id.
    arena: Arena<'a>,
    out_of_fuel: Cell<bool>,
    indexes: RefCell<FastMap<SyntaxId, Rc<BodyIndex<'a>>>>,
    gen_keys: RefCell<FastMap<SyntaxId, Rc<GenKeys>>>,
    /// The shape of the objects made of each list of static member lists.
    shapes: RefCell<FastMap<Vec<SyntaxId>, Rc<object::Shape>>>,
    modules: RefCell<FastMap<ModuleId, ObjId>>,
    root: Cell<Option<ObjId>>,
    /// The scope of the schema bodies of each module (see
    /// [`Self::schema_scope`]).
    schema_scopes: RefCell<FastMap<ModuleId, Scope<'a>>>,
    /// Fields being computed, for cycle messages.
    stack: RefCell<Vec<(ObjId, Rc<str>)>>,
    /// Computed keys being evaluated to find the definitions of a field:
    /// the object, the field, and the key expression's span.
    key_stack: RefCell<Vec<(object::ObjId, Rc<str>, Span)>>,
    /// Emptied vectors for the definitions of fields being computed.
    spare_defs: RefCell<Vec<Vec<fields::Def<'a>>>>,
    /// Field names written in the syntax tree, shared by the key lists and
    /// memo tables of every object that has them.
    names: RefCell<FastMap<&'a str, Rc<str>>>,
    /// Fields generated twice in one body, reported once for every
    /// object made from it: the two definitions' spans.
    pub(crate) reported_twice: RefCell<FastSet<(Span, Span)>>,
    /// What names bound, when recording ([`bindings`]).
    bindings: RefCell<Option<FastSet<bindings::BindingUse>>>,
    /// Keys read and missing (E0501), by object and key: the problem's
    /// position among those kept and its span, so that reading the same
    /// missing key again adds a place to that one problem.
    missing_reads: RefCell<FastMap<(ObjId, Rc<str>), MissingRead>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(graph: &'a ModuleGraph, loader: &'a dyn Loader, project_root: PathBuf) -> Self {
        Evaluator {
            graph,
            types: TypeEnv::new(graph),
            loader,
            project_root,
            problems: RefCell::new(Problems::new()),
            fuel: Cell::new(DEFAULT_FUEL),
            initial_fuel: Cell::new(DEFAULT_FUEL),
            built_objects: Cell::new(0),
            arena: Arena::default(),
            suggest_left: Cell::new(SUGGEST_BUDGET),
            dropped: Cell::new((0, None)),
            out_of_fuel: Cell::new(false),
            indexes: RefCell::new(FastMap::default()),
            gen_keys: RefCell::new(FastMap::default()),
            shapes: RefCell::new(FastMap::default()),
            modules: RefCell::new(FastMap::default()),
            root: Cell::new(None),
            schema_scopes: RefCell::new(FastMap::default()),
            stack: RefCell::new(Vec::new()),
            key_stack: RefCell::new(Vec::new()),
            spare_defs: RefCell::new(Vec::new()),
            names: RefCell::new(FastMap::default()),
            reported_twice: RefCell::new(FastSet::default()),
            missing_reads: RefCell::new(FastMap::default()),
            bindings: RefCell::new(None),
        }
    }

    /// Sets the step budget (tests use small ones).
    pub fn set_fuel(&self, fuel: u64) {
        self.fuel.set(fuel);
        self.initial_fuel.set(fuel);
    }

    /// Steps taken so far (of the budget set at the start): what the
    /// tests of linear costs count.
    pub fn steps_taken(&self) -> u64 {
        self.initial_fuel.get().saturating_sub(self.fuel.get())
    }

    /// Object `id` of this evaluation.
    pub fn obj(&self, id: ObjId) -> &Object<'a> {
        self.arena.get(id)
    }

    /// Every object of this evaluation.
    pub fn arena(&self) -> &Arena<'a> {
        &self.arena
    }

    /// Records built so far, each counted with its layers (what
    /// [`MAX_OBJECT_WEIGHT`] bounds): what the tests of linear costs count
    /// besides steps.
    pub fn weight(&self) -> u64 {
        self.built_objects.get()
    }

    /// The value of module `id`, which becomes `root`.
    pub fn eval_root(&self, id: ModuleId) -> &Object<'a> {
        let obj = self.module_object(id);
        if self.root.get().is_none() {
            self.root.set(Some(obj.id));
        }
        obj
    }

    /// The root object (the entry module's value), once evaluation started.
    pub(crate) fn root(&self) -> Option<&Object<'a>> {
        self.root.get().map(|id| self.obj(id))
    }

    /// The value of a module: its amends chain's layers plus its own.
    pub fn module_object(&self, id: ModuleId) -> &Object<'a> {
        if let Some(&o) = self.modules.borrow().get(&id) {
            return self.obj(o);
        }
        let chain = self.graph.amends_chain(id);
        let mut layers = Vec::new();
        let mut closed = false;
        for &m in chain.iter().rev() {
            let Some(info) = self.graph.get(m) else {
                continue;
            };
            let src = Src::Items(&info.ast.items);
            closed |= self.declares_fields(m);
            layers.push(Layer {
                src,
                scope: ScopeNode::root(m),
                module: m,
            });
        }
        // Errors about the module as a whole point at its `amends` line, or
        // at the start of the file.
        let span = self
            .graph
            .get(id)
            .map_or_else(Span::default, |m| match &m.ast.amends {
                Some(a) => a.stmt_span,
                None => m.ast.span.start_point(),
            });
        let obj = self.new_object(object::ObjKind::Module(id), layers, span, closed);
        obj.settle(&FieldPath::Root, None);
        self.modules.borrow_mut().insert(id, obj.id);
        obj
    }

    pub(crate) fn new_object(
        &self,
        kind: ObjKind,
        layers: Vec<Layer<'a>>,
        span: Span,
        closed: bool,
    ) -> &Object<'a> {
        let weight = self.built_objects.get() + layers.len() as u64 + 1;
        self.built_objects.set(weight);
        if weight > MAX_OBJECT_WEIGHT && !self.halted() {
            self.report(EvalError::TooLarge {
                span,
                path: fields::short_path(&self.current_path()),
                what: "records and layers built",
                size: weight,
                limit: MAX_OBJECT_WEIGHT,
            });
            self.halt();
        }
        let id = self.arena.next_id();
        self.arena.push(Object::new(id, kind, layers, span, closed))
    }

    /// `name` as a shared string, made once per evaluator.
    pub(crate) fn intern(&self, name: &'a str) -> Rc<str> {
        if let Some(n) = self.names.borrow().get(name) {
            return n.clone();
        }
        let n: Rc<str> = Rc::from(name);
        self.names.borrow_mut().insert(name, n.clone());
        n
    }

    /// Reports a problem; nothing more once the evaluation was stopped
    /// (what fails after the stop only fails because of it).
    pub fn report(&self, e: impl ToDiagnostic) {
        if self.halted() {
            return;
        }
        let mut problems = self.problems.borrow_mut();
        if problems.len() >= MAX_PROBLEMS {
            // A cascade (one mistake in a generator repeated for every
            // entry): keep the first ones and count the rest.
            let d = e.to_diagnostic();
            let last = self.dropped.get().1.unwrap_or(d.span);
            self.dropped.set((self.dropped.get().0 + 1, Some(last)));
            return;
        }
        problems.push(e);
    }

    /// Reports `e`, key `key` of `obj` read and missing at `span`, once:
    /// a later read of the same missing key adds its place to the first
    /// problem (a missing `secrets.db` read for two variables is one
    /// mistake), up to [`MAX_ALSO_READ`] places, then counted in a note.
    pub(crate) fn report_missing(&self, obj: ObjId, key: &str, span: Span, e: EvalError) {
        let id = (obj, Rc::from(key));
        let mut reads = self.missing_reads.borrow_mut();
        if let Some((i, at, more)) = reads.get_mut(&id) {
            let mut problems = self.problems.borrow_mut();
            if let Some(d) = problems.get_mut(*i).filter(|d| d.span == *at) {
                let also = d.labels.iter().filter(|l| l.message == ALSO_READ).count();
                if also < MAX_ALSO_READ {
                    d.labels.push(digit_lang::diagnostic::Label {
                        span,
                        message: ALSO_READ.into(),
                    });
                } else {
                    *more += 1;
                    let counted = |n: &String| n.starts_with(MORE_READS);
                    d.notes.retain(|n| !counted(n));
                    let places = if *more == 1 { "place" } else { "places" };
                    d.notes.push(format!("{MORE_READS}{more} more {places}"));
                }
                return;
            }
        }
        let at = self.problems.borrow().len();
        self.report(e);
        if self.problems.borrow().len() > at {
            reads.insert(id, (at, span, 0));
        }
    }

    /// Problems found so far, type resolution included.
    pub fn take_problems(&self) -> Problems {
        let mut p = std::mem::take(&mut *self.problems.borrow_mut());
        if let (n @ 1.., Some(span)) = self.dropped.replace((0, None)) {
            p.push(EvalError::TooManyProblems {
                span,
                shown: MAX_PROBLEMS,
                more: n,
            });
        }
        p.extend(self.types.errors.borrow_mut().drain(..));
        p
    }

    pub fn has_reported(&self) -> bool {
        !self.problems.borrow().is_empty()
    }

    /// Spends one step; false (after reporting once) when the budget is gone.
    pub(crate) fn tick(&self, span: Span) -> bool {
        let left = self.fuel.get();
        if left == 0 {
            if !self.halted() {
                let field = self
                    .stack
                    .borrow()
                    .last()
                    .map(|(o, k)| fields::short_path(&self.obj(*o).child_path(k, &self.arena)));
                self.report(EvalError::OutOfFuel { span, field });
                self.out_of_fuel.set(true);
            }
            return false;
        }
        self.fuel.set(left - 1);
        true
    }

    /// Whether a did-you-mean over about `n` candidates is still affordable
    /// (spending them if so).
    pub(crate) fn may_suggest(&self, n: usize) -> bool {
        let left = self.suggest_left.get();
        let n = n as u64;
        if n > left || left == 0 {
            // Spent: no more suggestions (nor the work of listing names).
            self.suggest_left.set(0);
            return false;
        }
        self.suggest_left.set(left - n);
        true
    }

    /// Stops the whole evaluation after a problem that makes going on
    /// pointless (its diagnostic is already reported): every later step
    /// fails quietly.
    pub(crate) fn halt(&self) {
        self.fuel.set(0);
        self.out_of_fuel.set(true);
    }

    /// Whether the evaluation was stopped (budget spent or [`Self::halt`]).
    pub fn halted(&self) -> bool {
        self.out_of_fuel.get()
    }

    /// The path of the field being computed, for messages about values.
    pub(crate) fn current_path(&self) -> String {
        match self.stack.borrow().last() {
            Some((o, k)) => self.obj(*o).child_path(k, &self.arena).to_string(),
            None => "the value".to_string(),
        }
    }

    /// Checks the size of a value just built (`what`: "elements", "bytes");
    /// past [`MAX_VALUE_SIZE`], reports it, stops the evaluation and
    /// returns false. The size is also spent from the budget.
    pub(crate) fn built(&self, size: usize, what: &'static str, span: Span) -> bool {
        let size = size as u64;
        if size > MAX_VALUE_SIZE {
            if !self.halted() {
                self.report(EvalError::TooLarge {
                    span,
                    path: self.current_path(),
                    what,
                    size,
                    limit: MAX_VALUE_SIZE,
                });
            }
            self.halt();
            return false;
        }
        self.spend(size / 8, span)
    }

    /// Spends `n` steps at once (for builtins doing bulk work).
    pub(crate) fn spend(&self, n: u64, span: Span) -> bool {
        let left = self.fuel.get();
        if left < n {
            self.fuel.set(0);
            return self.tick(span);
        }
        self.fuel.set(left - n);
        true
    }

    pub(crate) fn body_index(&self, src: Src<'a>) -> Rc<BodyIndex<'a>> {
        let id = src.id();
        if let Some(ix) = self.indexes.borrow().get(&id) {
            return ix.clone();
        }
        let ix = Rc::new(BodyIndex::build(src, |k| self.intern(k)));
        self.indexes.borrow_mut().insert(id, ix.clone());
        ix
    }

    pub(crate) fn gen_keys(&self, member: &'a digit_lang::ast::Member) -> Rc<GenKeys> {
        let id = SyntaxId::member(member);
        if let Some(g) = self.gen_keys.borrow().get(&id) {
            return g.clone();
        }
        let g = Rc::new(GenKeys::of(member));
        self.gen_keys.borrow_mut().insert(id, g.clone());
        g
    }

    pub(crate) fn resolve_type(&self, ty: &'a digit_lang::ast::Type, module: ModuleId) -> Rc<Ty> {
        self.types.resolve(ty, module)
    }

    pub(crate) fn is_stdlib(&self, module: ModuleId) -> bool {
        self.graph.get(module).is_some_and(|m| m.is_stdlib)
    }

    /// Whether `file` is a standard-library module, which users cannot edit.
    pub(crate) fn is_stdlib_file(&self, file: digit_lang::FileId) -> bool {
        self.graph
            .modules
            .iter()
            .any(|m| m.file == file && m.is_stdlib)
    }

    /// The path of the user's file `file`, as it was loaded.
    pub(crate) fn file_path(&self, file: digit_lang::FileId) -> Option<String> {
        self.graph.modules.iter().find_map(|m| match &m.key {
            crate::modules::ModuleKey::File(p) if m.file == file => Some(p.display().to_string()),
            _ => None,
        })
    }

    /// The loader and root for `read_file`.
    pub(crate) fn files(&self) -> (&'a dyn Loader, &PathBuf) {
        (self.loader, &self.project_root)
    }

    /// The scope a module's own top-level code sees (for tests and tools).
    pub fn module_scope(&self, module: ModuleId) -> Scope<'a> {
        ScopeNode::root(module)
    }

    /// A diagnostic for internal use by other stages.
    pub fn push_diagnostic(&self, d: Diagnostic) {
        self.problems.borrow_mut().push(d);
    }

    /// Evaluates a value completely; see [`crate::validate`].
    pub fn force(&self, v: &Value) {
        crate::validate::force(self, v);
    }
}

impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        if std::env::var_os("DG_WEIGHT").is_some() {
            eprintln!(
                "weight {} objects {} fuel left {}",
                self.built_objects.get(),
                self.arena.len(),
                self.fuel.get()
            );
        }
    }
}
