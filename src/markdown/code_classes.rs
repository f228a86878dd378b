//! The fixed set of token classes highlighted code is marked with (`<span class="k">`): what
//! the syntect themes actually tell apart, each mapped from TextMate scopes, with the scope
//! stack a theme is asked for to colour it. The code stylesheet colours only these classes.

use std::sync::LazyLock;
use syntect::parsing::Scope;

/// What a token is, as far as colour goes. Classes are short on purpose: a page with much code
/// holds hundreds of thousands of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TokenClass {
    /// `comment.*`
    Comment,
    /// `keyword.*` (not operators), `storage.modifier`
    Keyword,
    /// `storage.type` (`fn`, `struct`, `def`, `u32` in Rust)
    StorageType,
    /// `keyword.operator.*`
    Operator,
    /// `string.*`
    String,
    /// `constant.character.escape`
    Escape,
    /// `string.regexp`
    Regexp,
    /// `constant.numeric`
    Number,
    /// `constant.language` (`true`, `null`, `None`)
    LanguageConstant,
    /// other `constant.*`, `variable.other.constant`
    Constant,
    /// `support.type`, `support.constant` (built-in types and constants)
    SupportType,
    /// `entity.name.class`, `support.class`, `entity.other.inherited-class`
    Class,
    /// other `entity.name.*` (types, structs, namespaces)
    TypeName,
    /// `entity.name.function` (where a function is defined)
    Function,
    /// `variable.function` (where one is called)
    FunctionCall,
    /// `support.function` (built-in functions and commands)
    Builtin,
    /// `variable.*` except the ones above
    Variable,
    /// `variable.language` (`self`, `this`)
    SelfVariable,
    /// `entity.name.tag` (HTML tags, YAML keys)
    Tag,
    /// `entity.other.attribute-name`
    Attribute,
    /// JSON object keys
    Key,
    /// `markup.heading`, `entity.name.section`
    Heading,
    /// `markup.bold`
    Bold,
    /// `markup.italic`
    Italic,
    /// `markup.inserted` (diff `+` lines)
    Inserted,
    /// `markup.deleted` (diff `-` lines)
    Deleted,
    /// `meta.diff.range`, `meta.diff.header`
    DiffHeader,
}

impl TokenClass {
    /// Every class, in a fixed order (a class's index is its bit in a [`ClassSet`]).
    pub const ALL: [TokenClass; 27] = [
        TokenClass::Comment,
        TokenClass::Keyword,
        TokenClass::StorageType,
        TokenClass::Operator,
        TokenClass::String,
        TokenClass::Escape,
        TokenClass::Regexp,
        TokenClass::Number,
        TokenClass::LanguageConstant,
        TokenClass::Constant,
        TokenClass::SupportType,
        TokenClass::Class,
        TokenClass::TypeName,
        TokenClass::Function,
        TokenClass::FunctionCall,
        TokenClass::Builtin,
        TokenClass::Variable,
        TokenClass::SelfVariable,
        TokenClass::Tag,
        TokenClass::Attribute,
        TokenClass::Key,
        TokenClass::Heading,
        TokenClass::Bold,
        TokenClass::Italic,
        TokenClass::Inserted,
        TokenClass::Deleted,
        TokenClass::DiffHeader,
    ];

    /// The HTML class (Pygments' short names where there is one).
    pub fn css(self) -> &'static str {
        match self {
            TokenClass::Comment => "c",
            TokenClass::Keyword => "k",
            TokenClass::StorageType => "kt",
            TokenClass::Operator => "o",
            TokenClass::String => "s",
            TokenClass::Escape => "se",
            TokenClass::Regexp => "sr",
            TokenClass::Number => "m",
            TokenClass::LanguageConstant => "kc",
            TokenClass::Constant => "no",
            TokenClass::SupportType => "bt",
            TokenClass::Class => "nc",
            TokenClass::TypeName => "nn",
            TokenClass::Function => "nf",
            TokenClass::FunctionCall => "fc",
            TokenClass::Builtin => "nb",
            TokenClass::Variable => "nv",
            TokenClass::SelfVariable => "bp",
            TokenClass::Tag => "nt",
            TokenClass::Attribute => "na",
            TokenClass::Key => "ky",
            TokenClass::Heading => "gh",
            TokenClass::Bold => "gs",
            TokenClass::Italic => "ge",
            TokenClass::Inserted => "gi",
            TokenClass::Deleted => "gd",
            TokenClass::DiffHeader => "gu",
        }
    }

    /// The scope stack a theme is asked to colour, to find this class's colour: the scopes of
    /// a typical token of the class.
    pub fn sample_scopes(self) -> &'static str {
        match self {
            TokenClass::Comment => "comment.line",
            TokenClass::Keyword => "keyword.control",
            TokenClass::StorageType => "storage.type",
            TokenClass::Operator => "keyword.operator",
            TokenClass::String => "string.quoted.double",
            TokenClass::Escape => "string.quoted.double constant.character.escape",
            TokenClass::Regexp => "string.regexp",
            TokenClass::Number => "constant.numeric",
            TokenClass::LanguageConstant => "constant.language",
            TokenClass::Constant => "constant.other",
            TokenClass::SupportType => "support.type",
            TokenClass::Class => "entity.name.class",
            TokenClass::TypeName => "entity.name.type",
            TokenClass::Function => "entity.name.function",
            TokenClass::FunctionCall => "variable.function",
            TokenClass::Builtin => "support.function",
            TokenClass::Variable => "variable.other",
            TokenClass::SelfVariable => "variable.language",
            TokenClass::Tag => "entity.name.tag",
            TokenClass::Attribute => "entity.other.attribute-name",
            TokenClass::Key => {
                "meta.structure.dictionary.json meta.structure.dictionary.key.json string.quoted.double.json"
            }
            TokenClass::Heading => "markup.heading entity.name.section",
            TokenClass::Bold => "markup.bold",
            TokenClass::Italic => "markup.italic",
            TokenClass::Inserted => "markup.inserted",
            TokenClass::Deleted => "markup.deleted",
            TokenClass::DiffHeader => "meta.diff.range",
        }
    }

    fn bit(self) -> u32 {
        1 << self as u8
    }

    /// Whether scopes inside a token of this class keep it (a `TODO` keyword inside a comment
    /// is still comment; the string of a JSON key is still key).
    fn is_sticky(self) -> bool {
        matches!(self, TokenClass::Comment | TokenClass::Key)
    }
}

/// A set of classes: those the stylesheet colours. Spans of other classes are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClassSet(u32);

impl ClassSet {
    /// Every class.
    pub const ALL: ClassSet = ClassSet((1 << TokenClass::ALL.len()) - 1);

    /// No class.
    pub const NONE: ClassSet = ClassSet(0);

    /// This set and `class`.
    pub fn with(self, class: TokenClass) -> ClassSet {
        ClassSet(self.0 | class.bit())
    }

    /// Whether `class` is in the set.
    pub fn contains(self, class: TokenClass) -> bool {
        self.0 & class.bit() != 0
    }

    /// The set as a number (for cache keys).
    pub fn bits(self) -> u32 {
        self.0
    }
}

impl Default for ClassSet {
    fn default() -> Self {
        ClassSet::ALL
    }
}

/// Scope prefixes and their class, most specific first: the first prefix of a pushed scope
/// decides. A scope that matches none keeps the class of the scope around it.
const RULES: &[(&str, TokenClass)] = &[
    ("comment", TokenClass::Comment),
    ("meta.structure.dictionary.key", TokenClass::Key),
    ("constant.character.escape", TokenClass::Escape),
    ("string.regexp", TokenClass::Regexp),
    ("string", TokenClass::String),
    ("constant.other.symbol", TokenClass::String),
    ("constant.numeric", TokenClass::Number),
    ("constant.language", TokenClass::LanguageConstant),
    ("constant", TokenClass::Constant),
    ("variable.other.constant", TokenClass::Constant),
    ("keyword.operator", TokenClass::Operator),
    ("keyword", TokenClass::Keyword),
    ("storage.type", TokenClass::StorageType),
    ("storage", TokenClass::Keyword),
    ("entity.name.function", TokenClass::Function),
    ("entity.name.class", TokenClass::Class),
    ("entity.other.inherited-class", TokenClass::Class),
    ("support.class", TokenClass::Class),
    ("entity.name.tag", TokenClass::Tag),
    ("entity.name.section", TokenClass::Heading),
    ("markup.heading", TokenClass::Heading),
    ("entity.name", TokenClass::TypeName),
    ("entity.other.attribute-name", TokenClass::Attribute),
    ("support.function", TokenClass::Builtin),
    ("support.type", TokenClass::SupportType),
    ("support.constant", TokenClass::SupportType),
    ("variable.function", TokenClass::FunctionCall),
    ("variable.language", TokenClass::SelfVariable),
    ("variable", TokenClass::Variable),
    ("markup.bold", TokenClass::Bold),
    ("markup.italic", TokenClass::Italic),
    ("markup.inserted", TokenClass::Inserted),
    ("markup.deleted", TokenClass::Deleted),
    ("meta.diff.range", TokenClass::DiffHeader),
    ("meta.diff.header", TokenClass::DiffHeader),
];

static RULE_SCOPES: LazyLock<Vec<(Scope, TokenClass)>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|(prefix, class)| (Scope::new(prefix).expect("valid scope"), *class))
        .collect()
});

/// The class of a token whose innermost scope is `scope`, inside a token of class `outer`.
pub fn classify(outer: Option<TokenClass>, scope: Scope) -> Option<TokenClass> {
    if let Some(outer) = outer
        && outer.is_sticky()
    {
        return Some(outer);
    }
    RULE_SCOPES
        .iter()
        .find(|(prefix, _)| prefix.is_prefix_of(scope))
        .map(|(_, class)| *class)
        .or(outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_of(stack: &str) -> Option<TokenClass> {
        stack
            .split(' ')
            .fold(None, |outer, s| classify(outer, Scope::new(s).unwrap()))
    }

    #[test]
    fn scopes_map_to_the_most_specific_class() {
        assert_eq!(
            class_of("source.rust keyword.operator.rust"),
            Some(TokenClass::Operator)
        );
        assert_eq!(
            class_of("source.rust keyword.control.rust"),
            Some(TokenClass::Keyword)
        );
        assert_eq!(
            class_of("source.rust storage.type.rust"),
            Some(TokenClass::StorageType)
        );
        assert_eq!(
            class_of("source.python meta.function-call.python meta.qualified-name.python"),
            None,
            "meta scopes change no colour"
        );
        assert_eq!(
            class_of("source.yaml string.unquoted.plain.out.yaml entity.name.tag.yaml"),
            Some(TokenClass::Tag),
            "a YAML key inside its string is a tag"
        );
        assert_eq!(
            class_of("source.shell string.quoted.double.shell constant.character.escape.shell"),
            Some(TokenClass::Escape)
        );
    }

    #[test]
    fn comments_and_json_keys_keep_their_class_inside() {
        assert_eq!(
            class_of("source.rust comment.line.rust punctuation.definition.comment.rust"),
            Some(TokenClass::Comment)
        );
        assert_eq!(
            class_of(
                "source.json meta.structure.dictionary.json meta.structure.dictionary.key.json string.quoted.double.json"
            ),
            Some(TokenClass::Key)
        );
        assert_eq!(
            class_of(
                "source.json meta.structure.dictionary.json meta.structure.dictionary.value.json string.quoted.double.json"
            ),
            Some(TokenClass::String)
        );
    }

    #[test]
    fn class_names_are_distinct_and_every_class_has_a_bit() {
        let mut names: Vec<&str> = TokenClass::ALL.iter().map(|c| c.css()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TokenClass::ALL.len());
        for (i, class) in TokenClass::ALL.iter().enumerate() {
            assert_eq!(*class as usize, i, "ALL is in declaration order");
            assert!(ClassSet::ALL.contains(*class));
            assert!(!ClassSet::NONE.contains(*class));
        }
    }
}
