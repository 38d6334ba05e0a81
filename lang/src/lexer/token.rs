//! Token kinds: the raw kinds logos recognises, and the [`Token`]s the
//! parser reads (raw kinds plus the pieces of string literals).

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

    /// A binary operator (`+`, `==`, `&&`, `??`, ...; `-` is also unary):
    /// after one a value is expected, and before one the expression to its
    /// left goes on.
    pub fn is_binary_operator(&self) -> bool {
        matches!(
            self,
            Token::Plus
                | Token::Minus
                | Token::Star
                | Token::Slash
                | Token::Percent
                | Token::EqEq
                | Token::Ne
                | Token::Lt
                | Token::Le
                | Token::Gt
                | Token::Ge
                | Token::AndAnd
                | Token::OrOr
                | Token::QQ
        )
    }

    /// Whether the token is a keyword (`amends` ... `none`).
    pub fn is_keyword(&self) -> bool {
        matches!(
            self,
            Token::Amends
                | Token::Import
                | Token::As
                | Token::Schema
                | Token::Type
                | Token::Let
                | Token::For
                | Token::In
                | Token::If
                | Token::Then
                | Token::Else
                | Token::Check
                | Token::True
                | Token::False
                | Token::None
        )
    }

    /// Whether the token is a declaration keyword that reads as a field name
    /// where a field name is expected: at the start of a member (unless it
    /// starts its declaration: `let x =`, `type T =`, `check c : m`), after
    /// `.`, and in a path. Kubernetes objects are full of `type`. The
    /// control keywords (`if`, `for`, `else`) and the literals (`true`,
    /// `false`, `none`) are not: they must be quoted.
    pub fn is_contextual(&self) -> bool {
        matches!(
            self,
            Token::Amends
                | Token::Import
                | Token::As
                | Token::Schema
                | Token::Type
                | Token::Let
                | Token::In
                | Token::Then
                | Token::Check
        )
    }

    /// The fixed text of keywords and punctuation ("" for the others).
    pub fn text(&self) -> &'static str {
        match self {
            Token::Amends => "amends",
            Token::Import => "import",
            Token::As => "as",
            Token::Schema => "schema",
            Token::Type => "type",
            Token::Let => "let",
            Token::For => "for",
            Token::In => "in",
            Token::If => "if",
            Token::Then => "then",
            Token::Else => "else",
            Token::Check => "check",
            Token::True => "true",
            Token::False => "false",
            Token::None => "none",
            Token::LBrace => "{",
            Token::RBrace | Token::InterpEnd => "}",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::Comma => ",",
            Token::Semi => ";",
            Token::Colon => ":",
            Token::Dot => ".",
            Token::DotDot => "..",
            Token::Eq => "=",
            Token::PlusEq => "+=",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Percent => "%",
            Token::EqEq => "==",
            Token::Ne => "!=",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::Gt => ">",
            Token::Ge => ">=",
            Token::AndAnd => "&&",
            Token::OrOr => "||",
            Token::Bang => "!",
            Token::Question => "?",
            Token::QQ => "??",
            Token::Pipe => "|",
            Token::InterpStart => "${",
            Token::StrStart | Token::StrEnd => "\"",
            Token::MlStrStart => "\"\"\"",
            _ => "",
        }
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Maps a raw kind without payload to its token (`None` for kinds the
/// driver handles itself).
pub(crate) fn simple(raw: Raw) -> Option<Token<'static>> {
    Some(match raw {
        Raw::Amends => Token::Amends,
        Raw::Import => Token::Import,
        Raw::As => Token::As,
        Raw::Schema => Token::Schema,
        Raw::Type => Token::Type,
        Raw::Let => Token::Let,
        Raw::For => Token::For,
        Raw::In => Token::In,
        Raw::If => Token::If,
        Raw::Then => Token::Then,
        Raw::Else => Token::Else,
        Raw::Check => Token::Check,
        Raw::True => Token::True,
        Raw::False => Token::False,
        Raw::None => Token::None,
        Raw::LBrace => Token::LBrace,
        Raw::RBrace => Token::RBrace,
        Raw::LBracket => Token::LBracket,
        Raw::RBracket => Token::RBracket,
        Raw::LParen => Token::LParen,
        Raw::RParen => Token::RParen,
        Raw::Comma => Token::Comma,
        Raw::Semi => Token::Semi,
        Raw::Colon => Token::Colon,
        Raw::Dot => Token::Dot,
        Raw::DotDot => Token::DotDot,
        Raw::Eq => Token::Eq,
        Raw::PlusEq => Token::PlusEq,
        Raw::Plus => Token::Plus,
        Raw::Minus => Token::Minus,
        Raw::Star => Token::Star,
        Raw::Slash => Token::Slash,
        Raw::Percent => Token::Percent,
        Raw::EqEq => Token::EqEq,
        Raw::Ne => Token::Ne,
        Raw::Lt => Token::Lt,
        Raw::Le => Token::Le,
        Raw::Gt => Token::Gt,
        Raw::Ge => Token::Ge,
        Raw::AndAnd => Token::AndAnd,
        Raw::OrOr => Token::OrOr,
        Raw::Bang => Token::Bang,
        Raw::Question => Token::Question,
        Raw::QQ => Token::QQ,
        Raw::Pipe => Token::Pipe,
        _ => return Option::None,
    })
}

// The token stream is the lexer's biggest allocation (a token for every
// few bytes of source): keep a token at three words.
const _: () = assert!(std::mem::size_of::<Token<'static>>() == 24);
