//! Objects: records, maps, schema instances and modules, built from layers.
//!
//! An [`Object`] is a stack of [`Layer`]s (bottom first), each a member list
//! of the syntax tree with the lexical scope it was written in. Amending
//! never mutates: it makes a new object with one more layer. A field's value
//! is found by folding its definitions across the layers (see
//! [`super::Evaluator::field`]) and memoised per object; every definition is
//! evaluated with the object frame bound to the final object (late binding).

use super::scope::Scope;
use super::{FastMap, FastSet};
use crate::modules::ModuleId;
use crate::types::{SchemaId, Ty};
use crate::value::{join_path, Value};
use digit_lang::ast::{self, Member, MemberKind};
use digit_lang::{FileId, Span};
use std::borrow::Cow;
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::hash_map::Entry;
use std::rc::Rc;

/// What an object is.
#[derive(Clone, Debug)]
pub enum ObjKind {
    /// An untyped record: assignment defines fields.
    Record,
    /// A map: entries are not names in scope; values have the value type.
    Map { key: Rc<Ty>, value: Rc<Ty> },
    /// An instance of a schema.
    Schema(SchemaId, Rc<str>),
    /// A module's value.
    Module(ModuleId),
}

/// A member list of the syntax tree.
#[derive(Clone, Copy, Debug)]
pub enum Src<'a> {
    /// A module body (declarations are skipped).
    Items(&'a [ast::Item]),
    /// A `{ ... }` body.
    Members(&'a [Member]),
    /// `a.b.c = x` seen from inside `a` (offset 1) or `a.b` (offset 2).
    Nested(&'a Member, usize),
}

impl<'a> Src<'a> {
    /// Identity of the member list, for caches: where it is written (its
    /// file, the first byte of its first member and the last of its last,
    /// and how many members it has), never where it is in memory. Two
    /// empty lists share one identity, and one (empty) index.
    pub fn id(&self) -> SyntaxId {
        let of = |kind: u8, first: Option<Span>, last: Option<Span>, len: usize| {
            let (first, last) = (first.unwrap_or_default(), last.unwrap_or_default());
            SyntaxId {
                kind,
                file: first.file,
                start: first.start,
                end: last.end,
                n: len as u32,
            }
        };
        match self {
            Src::Items(s) => of(
                0,
                s.first().map(item_span),
                s.last().map(item_span),
                s.len(),
            ),
            Src::Members(s) => of(
                1,
                s.first().map(|m| m.span),
                s.last().map(|m| m.span),
                s.len(),
            ),
            Src::Nested(m, off) => of(2, Some(m.span), Some(m.span), *off),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Src::Items(s) => s.len(),
            Src::Members(s) => s.len(),
            Src::Nested(..) => 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn member(&self, i: usize) -> Option<&'a Member> {
        match self {
            Src::Items(s) => match s.get(i)? {
                ast::Item::Member(m) => Some(m),
                _ => None,
            },
            Src::Members(s) => s.get(i),
            Src::Nested(m, _) => Some(m),
        }
    }

    pub fn offset(&self) -> usize {
        match self {
            Src::Nested(_, off) => *off,
            _ => 0,
        }
    }
}

/// Where a piece of the syntax tree is written: a stable identity for the
/// evaluator's caches (the same after the tree is moved or parsed again).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SyntaxId {
    kind: u8,
    file: FileId,
    start: u32,
    end: u32,
    /// Members of a list; the path offset of a nested path.
    n: u32,
}

impl SyntaxId {
    /// The identity of member `m` (a generator, say).
    pub fn member(m: &Member) -> Self {
        SyntaxId {
            kind: 3,
            file: m.span.file,
            start: m.span.start,
            end: m.span.end,
            n: 0,
        }
    }
}

/// The span of a module item.
fn item_span(item: &ast::Item) -> Span {
    match item {
        ast::Item::Member(m) => m.span,
        ast::Item::Schema(s) => s.body.span,
        ast::Item::TypeAlias(t) => t.span,
    }
}

/// One layer of an object.
#[derive(Clone)]
pub struct Layer<'a> {
    pub src: Src<'a>,
    /// The scope the member list was written in (outside its own frame).
    pub scope: Scope<'a>,
    pub module: ModuleId,
}

pub(super) enum Slot {
    InProgress,
    Done(Value),
}

/// The identity of an object in one evaluation: the order it was made in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct ObjId(pub u32);

/// A record, map, schema instance or module.
pub struct Object<'a> {
    /// Its identity, given by [`super::Evaluator::new_object`].
    pub id: ObjId,
    pub kind: ObjKind,
    pub layers: Vec<Layer<'a>>,
    /// Where the object was made: the literal, the amend, the instance.
    pub span: Span,
    /// Assigning an undeclared field is an error (schema instances, and
    /// modules whose amends chain declares fields).
    pub closed: bool,
    pub(super) memo: RefCell<super::FastMap<Rc<str>, Slot>>,
    pub(super) keys: RefCell<Option<Rc<[Rc<str>]>>>,
    pub(super) listing: Cell<bool>,
    pub(super) expanding: RefCell<Vec<SyntaxId>>,
    pub(crate) checked: Cell<bool>,
    /// Made from values already computed (`merge`): no layers to amend.
    pub(crate) computed: Cell<bool>,
    /// The scope each layer's members are evaluated in (the layer's scope
    /// with this object's frame, and the layer's `let`s), made once.
    pub(super) envs: RefCell<Option<Rc<LayerEnvs<'a>>>>,
    path: OnceCell<FieldPath>,
    /// [`Self::path`] as text, made when a message first needs it.
    path_text: OnceCell<Rc<str>>,
    key: OnceCell<Option<(Rc<str>, Span)>>,
    /// The declaration of the field the object is stored at; a map's
    /// entries are labelled with it.
    decl: OnceCell<Span>,
}

impl<'a> Object<'a> {
    pub fn new(id: ObjId, kind: ObjKind, layers: Vec<Layer<'a>>, span: Span, closed: bool) -> Self {
        Object {
            id,
            kind,
            layers,
            span,
            closed,
            memo: RefCell::new(super::FastMap::default()),
            keys: RefCell::new(None),
            listing: Cell::new(false),
            expanding: RefCell::new(Vec::new()),
            checked: Cell::new(false),
            computed: Cell::new(false),
            envs: RefCell::new(None),
            path: OnceCell::new(),
            path_text: OnceCell::new(),
            key: OnceCell::new(),
            decl: OnceCell::new(),
        }
    }

    /// The path from the root: `services."egov-user".resources`; "" at the
    /// root and for an object stored nowhere. `arena` holds the objects the
    /// path goes through.
    pub fn path(&self, arena: &Arena<'_>) -> Rc<str> {
        match self.path.get() {
            Some(p) => self.path_text.get_or_init(|| p.text(arena)).clone(),
            None => Rc::from(""),
        }
    }

    /// The map key this object is stored under, if it is a map entry.
    pub fn key(&self) -> Option<Rc<str>> {
        self.key
            .get()
            .and_then(|k| k.as_ref())
            .map(|(k, _)| k.clone())
    }

    /// The map key and the span where the entry was first written.
    pub fn key_at(&self) -> Option<(Rc<str>, Span)> {
        self.key.get().cloned().flatten()
    }

    /// Records where the object is stored, the first time it is stored.
    pub fn settle(&self, path: &FieldPath, key: Option<(&Rc<str>, Span)>) {
        if self.path.get().is_none() {
            let _ = self.path.set(path.clone());
            let _ = self.key.set(key.map(|(k, s)| (k.clone(), s)));
        }
    }

    /// The declaration of the field this object is stored at.
    pub fn decl(&self) -> Option<Span> {
        self.decl.get().copied()
    }

    /// Records the declaration, the first time the object is stored.
    pub fn set_decl(&self, span: Span) {
        let _ = self.decl.set(span);
    }

    /// The path of field `key` of this object, as text.
    pub fn child_path(&self, key: &str, arena: &Arena<'_>) -> Rc<str> {
        Rc::from(join_path(&self.path(arena), key))
    }

    /// The path of field `key` of this object, as it is now (an object
    /// not stored yet is at the root); text only when asked for.
    pub fn child(&self, key: &Rc<str>) -> FieldPath {
        match self.path.get() {
            None | Some(FieldPath::Root) => FieldPath::Top(key.clone()),
            Some(_) => FieldPath::Field(self.id, key.clone()),
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, ObjKind::Map { .. })
    }

    pub fn describe(&self) -> String {
        match &self.kind {
            ObjKind::Record => "a record".into(),
            ObjKind::Map { key, value } => format!("a map {{{key}: {value}}}"),
            ObjKind::Schema(_, name) => format!("a {name}"),
            ObjKind::Module(_) => "a module".into(),
        }
    }

    /// Makes room in the memo table for `n` fields.
    pub(crate) fn reserve_fields(&self, n: usize) {
        let mut memo = self.memo.borrow_mut();
        let more = n.saturating_sub(memo.len());
        memo.reserve(more);
    }
}

/// Every object of one evaluation, owned by the evaluator and indexed by
/// its [`ObjId`]: values, scopes and paths refer to objects by id, so no
/// object owns another and nothing needs breaking up when the evaluation
/// ends. Append-only: an object lives as long as the evaluator.
#[derive(Default)]
pub struct Arena<'a> {
    objects: elsa::FrozenVec<Box<Object<'a>>>,
}

impl<'a> Arena<'a> {
    /// Adds an object made with the next id ([`Self::next_id`]).
    pub(super) fn push(&self, obj: Object<'a>) -> &Object<'a> {
        debug_assert_eq!(obj.id, self.next_id());
        self.objects.push_get(Box::new(obj))
    }

    /// The id the next object added gets.
    pub(super) fn next_id(&self) -> ObjId {
        ObjId(self.objects.len() as u32)
    }

    /// Object `id`. Ids are only made by [`Self::push`], so every id of
    /// this evaluation names an object.
    pub fn get(&self, id: ObjId) -> &Object<'a> {
        &self.objects[id.0 as usize]
    }

    /// How many objects were made.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.len() == 0
    }
}

/// What the members of one layer of an object are evaluated with: the
/// scope (the layer's scope, the object's frame, the layer's `let`s) and,
/// but for a nested path, the index of the member list.
pub struct LayerEnv<'a> {
    pub env: Scope<'a>,
    pub ix: Option<Rc<BodyIndex<'a>>>,
    /// The layer's generators, each expanded once (by member position).
    pub gens: GenCache<'a>,
}

/// Generators of one member list in one scope, by member position, each
/// expanded at most once: an object's key lookups and its key listing
/// share one expansion instead of re-running the loop for every key.
pub type GenCache<'a> = RefCell<FastMap<u32, GenState<'a>>>;

/// A generator's expansion: being made (a lookup made meanwhile, by a
/// computed key that reads another field, takes the slow path), or made.
pub enum GenState<'a> {
    Building,
    Done(Rc<Expansion<'a>>),
}

/// What a generator (`for`, `if` member) produced in one object: its
/// bodies with their scopes, and the keys their members define.
#[derive(Default)]
pub struct Expansion<'a> {
    pub bodies: Vec<GenBody<'a>>,
    /// The (body, member position) of the members defining each key, in
    /// order.
    pub keyed: FastMap<Rc<str>, Vec<(u32, u32)>>,
    /// The (body, member position) of the generators inside the bodies.
    pub nested: Vec<(u32, u32)>,
}

/// One body a generator produced.
pub struct GenBody<'a> {
    pub members: &'a [Member],
    /// The scope its members are evaluated in (loop variables, `let`s).
    pub env: Scope<'a>,
    /// The key each member defines (`None` for generators, `let`s and keys
    /// that did not evaluate to a string).
    pub keys: Vec<Option<Rc<str>>>,
    /// Its own generators, expanded once.
    pub gens: GenCache<'a>,
}

/// The [`LayerEnv`] of every layer of an object, and which layers may
/// define a given key: a nested path (`services."svc-1".replicas = 2`, one
/// layer of `services` per such line of an environment) names one static
/// key, so looking a key up skips the nested layers of other keys.
pub struct LayerEnvs<'a> {
    pub layers: Vec<LayerEnv<'a>>,
    /// Layers to search for any key, ascending: member lists, and nested
    /// paths whose key is computed. Empty when `nested` is: then every
    /// layer is searched.
    pub always: Vec<u32>,
    /// Nested-path layers by their static key, ascending.
    pub nested: FastMap<&'a str, Vec<u32>>,
}

impl<'a> std::ops::Deref for LayerEnvs<'a> {
    type Target = [LayerEnv<'a>];

    fn deref(&self) -> &[LayerEnv<'a>] {
        &self.layers
    }
}

/// Where a value is stored, from the root. Made for every field computed,
/// so it is an id and a reference count; [`FieldPath::text`] spells it
/// (`services."egov-user".env`) only when a message or a secret needs it.
#[derive(Clone)]
pub enum FieldPath {
    /// The root itself: "".
    Root,
    /// Field `key` of the root, or of an object stored nowhere.
    Top(Rc<str>),
    /// Field `key` of an object that was stored (its path is fixed).
    Field(ObjId, Rc<str>),
    /// Element `i` of the list at a path.
    Elem(Rc<FieldPath>, usize),
}

impl FieldPath {
    /// The path as the user would write it.
    pub fn text(&self, arena: &Arena<'_>) -> Rc<str> {
        // Recursive through the objects' paths: as deep as the fields being
        // computed (at most `MAX_FIELD_DEPTH`), so the stack may grow.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.text_inner(arena))
    }

    fn text_inner(&self, arena: &Arena<'_>) -> Rc<str> {
        match self {
            FieldPath::Root => Rc::from(""),
            FieldPath::Top(k) => Rc::from(join_path("", k)),
            FieldPath::Field(o, k) => arena.get(*o).child_path(k, arena),
            FieldPath::Elem(p, i) => Rc::from(format!("{}[{i}]", p.text(arena))),
        }
    }
}

/// The members of one list, indexed by their first key.
#[derive(Default)]
pub struct BodyIndex<'a> {
    /// Member positions by static first key (declarations included).
    pub keyed: FastMap<&'a str, Positions>,
    /// Positions of members with a computed first key, and of generators.
    pub dynamic: Vec<u32>,
    pub lets: FastMap<&'a str, &'a ast::Expr>,
    pub checks: Vec<u32>,
    /// The keys the list defines, in order, when none is computed and no
    /// member is a generator.
    pub static_keys: Option<Rc<[Rc<str>]>>,
}

impl<'a> BodyIndex<'a> {
    /// Indexes the member list `src`; `intern` makes the shared names of
    /// its static keys.
    pub fn build(src: Src<'a>, mut intern: impl FnMut(&'a str) -> Rc<str>) -> Self {
        let mut ix = BodyIndex {
            keyed: FastMap::with_capacity_and_hasher(src.len(), Default::default()),
            ..BodyIndex::default()
        };
        let mut keys = Vec::new();
        let off = src.offset();
        for i in 0..src.len() {
            let Some(m) = src.member(i) else { continue };
            let pos = i as u32;
            let first = match &m.kind {
                MemberKind::Decl { name, .. } => ix.add_key(name, pos),
                MemberKind::Assign { path, .. }
                | MemberKind::Append { path, .. }
                | MemberKind::Amend { path, .. } => match path.get(off) {
                    Some(k) => ix.add_key(k, pos),
                    None => None,
                },
                MemberKind::Let { name, value } => {
                    ix.lets.insert(name.name.as_str(), value);
                    None
                }
                // `[*] { }` may amend any key.
                MemberKind::For { .. } | MemberKind::If { .. } | MemberKind::Every { .. } => {
                    ix.dynamic.push(pos);
                    None
                }
                MemberKind::Check { .. } => {
                    ix.checks.push(pos);
                    None
                }
                MemberKind::Error => None,
            };
            if let Some(k) = first {
                keys.push(intern(k));
            }
        }
        if ix.dynamic.is_empty() && !matches!(src, Src::Nested(..)) {
            ix.static_keys = Some(keys.into());
        }
        ix
    }

    /// Indexes the member at `pos` under `key`; the key when the list
    /// names it here first.
    fn add_key(&mut self, key: &'a ast::Key, pos: u32) -> Option<&'a str> {
        match key.as_static() {
            Some(k) => match self.keyed.entry(k) {
                Entry::Occupied(mut e) => {
                    e.get_mut().push(pos);
                    None
                }
                Entry::Vacant(e) => {
                    e.insert(Positions::One(pos));
                    Some(k)
                }
            },
            None => {
                self.dynamic.push(pos);
                None
            }
        }
    }

    /// Positions that may define `key`, in order.
    pub fn candidates(&self, key: &str) -> Cow<'_, [u32]> {
        let fixed = self.keyed.get(key).map_or(&[][..], Positions::as_slice);
        if self.dynamic.is_empty() {
            return Cow::Borrowed(fixed);
        }
        let mut all: Vec<u32> = fixed.iter().chain(self.dynamic.iter()).copied().collect();
        all.sort_unstable();
        Cow::Owned(all)
    }
}

/// The positions of the members with one static first key: nearly always
/// one, so without a vector of its own.
pub enum Positions {
    One(u32),
    Many(Vec<u32>),
}

impl Positions {
    fn push(&mut self, pos: u32) {
        match self {
            Positions::One(first) => *self = Positions::Many(vec![*first, pos]),
            Positions::Many(v) => v.push(pos),
        }
    }

    pub fn as_slice(&self) -> &[u32] {
        match self {
            Positions::One(p) => std::slice::from_ref(p),
            Positions::Many(v) => v,
        }
    }
}

/// The static keys a generator's bodies may produce.
#[derive(Default)]
pub struct GenKeys {
    pub keys: FastSet<String>,
    pub computed: bool,
}

impl GenKeys {
    pub fn of(member: &Member) -> Self {
        let mut g = GenKeys::default();
        g.add_member(member);
        g
    }

    fn add_member(&mut self, m: &Member) {
        match &m.kind {
            MemberKind::For { body, .. } => self.add_body(body),
            MemberKind::If {
                then_body,
                else_body,
                ..
            } => {
                self.add_body(then_body);
                if let Some(b) = else_body {
                    self.add_body(b);
                }
            }
            MemberKind::Decl { name, .. } => self.add_key(name),
            // `[*] { }` may amend any key.
            MemberKind::Every { .. } => self.computed = true,
            MemberKind::Assign { path, .. }
            | MemberKind::Append { path, .. }
            | MemberKind::Amend { path, .. } => {
                if let Some(k) = path.first() {
                    self.add_key(k);
                }
            }
            _ => {}
        }
    }

    fn add_body(&mut self, b: &ast::Body) {
        for m in &b.members {
            self.add_member(m);
        }
    }

    fn add_key(&mut self, k: &ast::Key) {
        match k.as_static() {
            Some(s) => {
                self.keys.insert(s.to_string());
            }
            None => self.computed = true,
        }
    }

    pub fn may_produce(&self, key: &str) -> bool {
        self.computed || self.keys.contains(key)
    }
}
