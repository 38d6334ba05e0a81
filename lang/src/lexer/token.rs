//! Token kinds: the raw kinds logos recognises, the [`Token`]s the
//! grammar reads (raw kinds plus the pieces of string literals, with their
//! payloads), and the compact [`Tok`]s the lexer stores (a [`Kind`] and
//! two offsets, the payload left in the source).

use crate::span::{FileId, Span};
use logos::Logos;
use std::fmt;

/// What logos recognises in normal mode. Strings, block comments and
/// interpolation are scanned by hand in [`super::lex`].
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f]+")]
pub(crate) enum Raw {
    #[regex(r"//[^\n\r]*", allow_greedy = true)]
    LineComment,
    /// `///` but not `////` (a row of slashes is an ordinary comment).
    #[regex(r"///([^/\n\r][^\n\r]*)?", allow_greedy = true)]
    DocComment,
    #[token("/*")]
    BlockCommentStart,
    #[token("\"")]
    Quote,
    #[token("\"\"\"")]
    TripleQuote,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[regex(r"[0-9][0-9_]*")]
    Int,
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*")]
    Float,
    #[regex(r"[0-9][0-9_]*(\.[0-9][0-9_]*)?[A-Za-z][A-Za-z0-9_]*")]
    NumberWithSuffix,

    #[token("amends")]
    Amends,
    #[token("import")]
    Import,
    #[token("as")]
    As,
    #[token("schema")]
    Schema,
    #[token("type")]
    Type,
    #[token("let")]
    Let,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("if")]
    If,
    #[token("then")]
    Then,
    #[token("else")]
    Else,
    #[token("check")]
    Check,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("none")]
    None,

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("=")]
    Eq,
    #[token("+=")]
    PlusEq,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("==")]
    EqEq,
    #[token("!=")]
    Ne,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("!")]
    Bang,
    #[token("?")]
    Question,
    #[token("??")]
    QQ,
    #[token("|")]
    Pipe,
}

/// A token as the parser sees it. Text payloads borrow the source.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Token<'src> {
    Ident(&'src str),
    /// An integer literal, underscores removed.
    Int(i64),
    Float(f64),
    /// `512Mi`: the whole text and the offset of its suffix in it (see
    /// [`Token::quantity_parts`]); one slice keeps the token at 24 bytes.
    Quantity(&'src str, u32),
    /// A numeric literal the lexer already reported (too large, bad suffix).
    BadLit,
    /// `"` opening a string.
    StrStart,
    /// `"""` opening a multi-line string.
    MlStrStart,
    /// Raw text of a string between quotes/interpolations, escapes undecoded.
    StrText(&'src str),
    /// `${` inside a string.
    InterpStart,
    /// The `}` closing an interpolation.
    InterpEnd,
    /// `"` or `"""` closing a string (empty span when unterminated).
    StrEnd,
    Amends,
    Import,
    As,
    Schema,
    Type,
    Let,
    For,
    In,
    If,
    Then,
    Else,
    Check,
    True,
    False,
    None,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Semi,
    Colon,
    Dot,
    DotDot,
    Eq,
    PlusEq,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    AndAnd,
    OrOr,
    Bang,
    Question,
    QQ,
    Pipe,
}

impl<'src> Token<'src> {
    /// The number text and the suffix of a quantity's text
    /// (`("512", "Mi")`), from a [`Token::Quantity`]'s fields.
    pub fn quantity_parts(text: &'src str, suffix_at: u32) -> (&'src str, &'src str) {
        text.split_at_checked(suffix_at as usize)
            .unwrap_or((text, ""))
    }

    /// How the token reads in a message: "`{`", "a name", "a number".
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(s) => format!("`{s}`"),
            Token::Int(_) | Token::Float(_) | Token::BadLit => "a number".into(),
            Token::Quantity(..) => "a quantity".into(),
            Token::StrStart | Token::MlStrStart => "a string".into(),
            Token::StrText(_) => "string text".into(),
            Token::InterpStart => "`${`".into(),
            Token::InterpEnd => "`}`".into(),
            Token::StrEnd => "the end of a string".into(),
            t => format!("`{}`", t.text()),
        }
    }

    /// The token's kind, without its payload.
    pub fn kind(&self) -> Kind {
        Kind::of(self)
    }

    /// A binary operator (`+`, `==`, `&&`, `??`, ...; `-` is also unary):
    /// after one a value is expected, and before one the expression to its
    /// left goes on.
    pub fn is_binary_operator(&self) -> bool {
        self.kind().is_binary_operator()
    }

    /// Whether the token is a keyword (`amends` ... `none`).
    pub fn is_keyword(&self) -> bool {
        self.kind().is_keyword()
    }

    /// Whether the token is a declaration keyword that reads as a field
    /// name where a field name is expected (see [`Kind::is_contextual`]).
    pub fn is_contextual(&self) -> bool {
        self.kind().is_contextual()
    }

    /// The fixed text of keywords and punctuation ("" for the others).
    pub fn text(&self) -> &'static str {
        self.kind().text()
    }
}

/// Defines [`Kind`] (a [`Token`] without its payload) and the conversions
/// between the two for the kinds without payload.
macro_rules! kinds {
    ($($plain:ident),* $(,)?) => {
        /// What a [`Token`] is, without its payload: what the lexer stores
        /// in a [`Tok`] and what the fast parser looks at. The variants are
        /// those of [`Token`], with the same meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Kind {
            Ident,
            Int,
            Float,
            Quantity,
            StrText,
            $($plain),*
        }

        impl Kind {
            /// The kind of `tok`.
            pub fn of(tok: &Token<'_>) -> Kind {
                match tok {
                    Token::Ident(_) => Kind::Ident,
                    Token::Int(_) => Kind::Int,
                    Token::Float(_) => Kind::Float,
                    Token::Quantity(..) => Kind::Quantity,
                    Token::StrText(_) => Kind::StrText,
                    $(Token::$plain => Kind::$plain),*
                }
            }

            /// The token of a kind without payload (`None` for the others).
            fn plain(self) -> Option<Token<'static>> {
                Some(match self {
                    $(Kind::$plain => Token::$plain,)*
                    Kind::Ident | Kind::Int | Kind::Float | Kind::Quantity | Kind::StrText => {
                        return Option::None
                    }
                })
            }
        }
    };
}

kinds!(
    BadLit,
    StrStart,
    MlStrStart,
    InterpStart,
    InterpEnd,
    StrEnd,
    Amends,
    Import,
    As,
    Schema,
    Type,
    Let,
    For,
    In,
    If,
    Then,
    Else,
    Check,
    True,
    False,
    None,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Semi,
    Colon,
    Dot,
    DotDot,
    Eq,
    PlusEq,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    AndAnd,
    OrOr,
    Bang,
    Question,
    QQ,
    Pipe,
);

impl Kind {
    /// A binary operator (`+`, `==`, `&&`, `??`, ...; `-` is also unary):
    /// after one a value is expected, and before one the expression to its
    /// left goes on.
    pub fn is_binary_operator(self) -> bool {
        matches!(
            self,
            Kind::Plus
                | Kind::Minus
                | Kind::Star
                | Kind::Slash
                | Kind::Percent
                | Kind::EqEq
                | Kind::Ne
                | Kind::Lt
                | Kind::Le
                | Kind::Gt
                | Kind::Ge
                | Kind::AndAnd
                | Kind::OrOr
                | Kind::QQ
        )
    }

    /// Whether the token is a keyword (`amends` ... `none`).
    pub fn is_keyword(self) -> bool {
        matches!(
            self,
            Kind::Amends
                | Kind::Import
                | Kind::As
                | Kind::Schema
                | Kind::Type
                | Kind::Let
                | Kind::For
                | Kind::In
                | Kind::If
                | Kind::Then
                | Kind::Else
                | Kind::Check
                | Kind::True
                | Kind::False
                | Kind::None
        )
    }

    /// Whether the token is a declaration keyword that reads as a field name
    /// where a field name is expected: at the start of a member (unless it
    /// starts its declaration: `let x =`, `type T =`, `check c : m`), after
    /// `.`, and in a path. Kubernetes objects are full of `type`. The
    /// control keywords (`if`, `for`, `else`) and the literals (`true`,
    /// `false`, `none`) are not: they must be quoted.
    pub fn is_contextual(self) -> bool {
        matches!(
            self,
            Kind::Amends
                | Kind::Import
                | Kind::As
                | Kind::Schema
                | Kind::Type
                | Kind::Let
                | Kind::In
                | Kind::Then
                | Kind::Check
        )
    }

    /// The fixed text of keywords and punctuation ("" for the others).
    pub fn text(self) -> &'static str {
        match self {
            Kind::Amends => "amends",
            Kind::Import => "import",
            Kind::As => "as",
            Kind::Schema => "schema",
            Kind::Type => "type",
            Kind::Let => "let",
            Kind::For => "for",
            Kind::In => "in",
            Kind::If => "if",
            Kind::Then => "then",
            Kind::Else => "else",
            Kind::Check => "check",
            Kind::True => "true",
            Kind::False => "false",
            Kind::None => "none",
            Kind::LBrace => "{",
            Kind::RBrace | Kind::InterpEnd => "}",
            Kind::LBracket => "[",
            Kind::RBracket => "]",
            Kind::LParen => "(",
            Kind::RParen => ")",
            Kind::Comma => ",",
            Kind::Semi => ";",
            Kind::Colon => ":",
            Kind::Dot => ".",
            Kind::DotDot => "..",
            Kind::Eq => "=",
            Kind::PlusEq => "+=",
            Kind::Plus => "+",
            Kind::Minus => "-",
            Kind::Star => "*",
            Kind::Slash => "/",
            Kind::Percent => "%",
            Kind::EqEq => "==",
            Kind::Ne => "!=",
            Kind::Lt => "<",
            Kind::Le => "<=",
            Kind::Gt => ">",
            Kind::Ge => ">=",
            Kind::AndAnd => "&&",
            Kind::OrOr => "||",
            Kind::Bang => "!",
            Kind::Question => "?",
            Kind::QQ => "??",
            Kind::Pipe => "|",
            Kind::InterpStart => "${",
            Kind::StrStart | Kind::StrEnd => "\"",
            Kind::MlStrStart => "\"\"\"",
            _ => "",
        }
    }
}

/// One token as the lexer stores it: its kind and its byte offsets in the
/// file (the file id is kept once, beside the tokens). The payload of a
/// [`Token`] is the text at those offsets, so it is read back from the
/// source when it is needed ([`Tok::token`]). Twelve bytes, against forty
/// for a `(Token, Span)` pair: the token stream is the front end's largest
/// allocation, and memory touched is time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
}

impl Tok {
    /// The token's text in `src`, the file it was lexed from.
    pub fn text<'src>(&self, src: &'src str) -> &'src str {
        src.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }

    /// The token's span in `file`.
    pub fn span(&self, file: FileId) -> Span {
        Span {
            file,
            start: self.start,
            end: self.end,
        }
    }

    /// The [`Token`] the lexer read here, payload included; `src` is the
    /// file the token was lexed from.
    pub fn token<'src>(&self, src: &'src str) -> Token<'src> {
        if let Some(tok) = self.kind.plain() {
            return tok;
        }
        let text = self.text(src);
        match self.kind {
            Kind::Ident => Token::Ident(text),
            Kind::StrText => Token::StrText(text),
            Kind::Int => int_value(text).map_or(Token::BadLit, Token::Int),
            Kind::Float => float_value(text).map_or(Token::BadLit, Token::Float),
            _ => Token::Quantity(text, quantity_suffix_at(text) as u32),
        }
    }
}

/// The value of an integer literal's text (`1_000` is 1000); `None` when
/// it does not fit an `i64`.
pub(crate) fn int_value(text: &str) -> Option<i64> {
    let mut value: i64 = 0;
    for b in text.bytes().filter(|b| *b != b'_') {
        value = value
            .checked_mul(10)?
            .checked_add(i64::from(b.wrapping_sub(b'0')))?;
    }
    Some(value)
}

/// The value of a float literal's text, underscores removed.
pub(crate) fn float_value(text: &str) -> Option<f64> {
    if text.contains('_') {
        let clean: String = text.chars().filter(|c| *c != '_').collect();
        clean.parse().ok()
    } else {
        text.parse().ok()
    }
}

/// Where the suffix of a quantity's text starts (`512Mi` -> 3).
pub(crate) fn quantity_suffix_at(text: &str) -> usize {
    text.find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len())
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Maps a raw kind without payload to its token (`None` for kinds the
/// driver handles itself).
pub(crate) fn simple(raw: Raw) -> Option<Kind> {
    Some(match raw {
        Raw::Amends => Kind::Amends,
        Raw::Import => Kind::Import,
        Raw::As => Kind::As,
        Raw::Schema => Kind::Schema,
        Raw::Type => Kind::Type,
        Raw::Let => Kind::Let,
        Raw::For => Kind::For,
        Raw::In => Kind::In,
        Raw::If => Kind::If,
        Raw::Then => Kind::Then,
        Raw::Else => Kind::Else,
        Raw::Check => Kind::Check,
        Raw::True => Kind::True,
        Raw::False => Kind::False,
        Raw::None => Kind::None,
        Raw::LBrace => Kind::LBrace,
        Raw::RBrace => Kind::RBrace,
        Raw::LBracket => Kind::LBracket,
        Raw::RBracket => Kind::RBracket,
        Raw::LParen => Kind::LParen,
        Raw::RParen => Kind::RParen,
        Raw::Comma => Kind::Comma,
        Raw::Semi => Kind::Semi,
        Raw::Colon => Kind::Colon,
        Raw::Dot => Kind::Dot,
        Raw::DotDot => Kind::DotDot,
        Raw::Eq => Kind::Eq,
        Raw::PlusEq => Kind::PlusEq,
        Raw::Plus => Kind::Plus,
        Raw::Minus => Kind::Minus,
        Raw::Star => Kind::Star,
        Raw::Slash => Kind::Slash,
        Raw::Percent => Kind::Percent,
        Raw::EqEq => Kind::EqEq,
        Raw::Ne => Kind::Ne,
        Raw::Lt => Kind::Lt,
        Raw::Le => Kind::Le,
        Raw::Gt => Kind::Gt,
        Raw::Ge => Kind::Ge,
        Raw::AndAnd => Kind::AndAnd,
        Raw::OrOr => Kind::OrOr,
        Raw::Bang => Kind::Bang,
        Raw::Question => Kind::Question,
        Raw::QQ => Kind::QQ,
        Raw::Pipe => Kind::Pipe,
        _ => return Option::None,
    })
}

// The token stream is the lexer's biggest allocation (a token for every
// few bytes of source): keep a token at three words.
const _: () = assert!(std::mem::size_of::<Token<'static>>() == 24);
const _: () = assert!(std::mem::size_of::<Tok>() == 12);
