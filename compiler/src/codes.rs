//! Diagnostic codes of the compiler: E02xx modules, E03xx names, E04xx
//! types, E05xx evaluation, E06xx constraints and validation.
//! `digitc explain CODE` prints the explanation.

use digit_lang::diagnostic::CodeInfo;

macro_rules! code {
    ($code:literal, $title:literal, $expl:literal) => {
        CodeInfo {
            code: $code,
            title: $title,
            explanation: $expl,
        }
    };
}

pub const REGISTRY: &[CodeInfo] = &[
    code!("E0201", "module not found", "An `amends` or `import` names a file that does not exist.

    amends \"../bsae.dg\"        // typo

Paths are relative to the file that contains them. Fix the path:

    amends \"../base.dg\""),
    code!("E0202", "unknown standard module", "A `digit:` path names a module the standard library does not have.

    amends \"digit:enviroment\"

The standard modules are listed by `digitc explain E0202`'s help line; fix the name:

    amends \"digit:environment\""),
    code!("E0203", "module cycle", "Modules amend or import each other in a circle, so none of them can be built first.

    // a.dg                 // b.dg
    amends \"./b.dg\"         amends \"./a.dg\"

Move what both need into a third module that neither of them amends back."),
    code!("E0204", "unreadable module", "A module file exists but could not be read (permissions, a directory, or text that is not UTF-8).

Make the file readable UTF-8 text."),
    code!("E0301", "undefined name", "A name is used that is not a `let`, a loop variable, a field of an enclosing record, an import, `key` or `root`.

    url = \"jdbc:postgresql://${db.hots}\"   // fine: a field access
    url = \"jdbc:postgresql://${dbb.host}\"  // `dbb` is not defined

Fix the spelling; the help line suggests the closest name in scope. Names are resolved before evaluation, so this is reported in code that never runs too: a schema nothing instantiates, a `let` nothing reads, a branch not taken."),
    code!("E0302", "unknown type", "A type annotation names no builtin type, schema or type alias in scope.

    replicas: Integer = 1

Builtin types are Bool, Int, Float, String, Quantity, Secret, Json, Name, Port, Image, Cron and EnvName. Schemas and aliases of this module and of every module it amends are in scope, and `alias.Name` for imports:

    replicas: Int = 1"),
    code!("E0303", "unknown field", "A schema instance (or an environment, whose fields the standard library declares) only has the fields its schema declares. Setting another one is almost always a typo.

    \"egov-user\" {
      replcias = 2
    }

Fix the name (the help line suggests the closest field, or, when none is close, lists the fields that can be set there):

    \"egov-user\" {
      replicas = 2
    }

To add a setting of your own to a base module, declare it first: `tag: String = \"v1\"`."),
    code!("E0304", "unknown function", "A call names a function that is not a builtin. There are no user-defined functions.

    n = lenght(services)

Fix the name: `len(services)`. The builtins are listed in docs/language.md."),
    code!("E0305", "recursive type alias", "A type alias refers to itself, so it has no finite meaning.

    type T = [T]

Write the type out, or use a schema."),
    code!("E0306", "bad range type", "Only `Int` takes a range, and its bounds must be integer literals.

    replicas: Int(min..) = 1     // not a literal
    replicas: Int(0..) = 1       // fine"),
    code!("E0401", "type mismatch", "A value does not have the type declared for the place it is stored at. The error points at the value you wrote, with a label at the declaration, wherever in the amends chain it was declared.

    // digit:environment declares `replicas: Int(0..) = 1`
    services.\"egov-user\".replicas = \"two\"

Write a value of the declared type:

    services.\"egov-user\".replicas = 2

Quantities are written without quotes (`512Mi`), and a String is made from other values by interpolation: `\"${port}\"`."),
    code!("E0402", "plaintext secret", "A plain string is stored where a Secret is expected. Secrets are only ever written encrypted, so a password pasted into a file fails `digitc check` before it is committed.

    secrets.db.password = \"hunter2\"

Encrypt it instead (the value is read from stdin):

    digitc secret set env/qa.dg db.password

which writes `secrets.db.password = secret(\"dg1:...\")`. Treat the plaintext as leaked if it was ever committed."),
    code!("E0403", "secret misuse", "A Secret was interpolated into a string, concatenated, compared, passed to a builtin such as `to_json` or `base64`, or stored at a field that is not a Secret. Any of these would put the secret in plain text into a ConfigMap or a log.

    env.DB_URL = \"postgres://app:${secrets.db.password}@db\"

Pass secrets to fields typed Secret, such as a service's `secret_env`, which become Kubernetes secret references:

    secret_env.DB_PASSWORD = secrets.db.password"),
    code!("E0404", "bad operands", "An operator is applied to values it does not work on.

    memory = 512Mi + 1

`+` adds numbers, quantities (`512Mi + 256Mi`), strings and lists; comparisons work on numbers, quantities and strings."),
    code!("E0405", "not iterable", "`for` needs a list, record or map, and `if` needs a Bool.

    for s in \"egov-user\" { ... }

Iterate over a list or map: `for name, s in services { ... }`."),
    code!("E0501", "missing field or entry", "A field or map entry is read that does not exist.

    port = services.\"egov-usr\".port

Fix the key (the help line suggests the closest one), or give a default for map entries that may be missing: `??` absorbs an entry missing from a map, so `services.\"x\".port ?? 8080` is 8080 when the map `services` has no `\"x\"` (and when `port` is `none`). A field missing from a schema or record is a misspelling, and stays an error under `??`."),
    code!("E0502", "division by zero", "A division or remainder has a divisor of zero.

    per_replica = total / replicas     // replicas = 0

Guard it: `if replicas == 0 then 0 else total / replicas`."),
    code!("E0503", "integer overflow", "An Int operation's result does not fit in 64 bits. digitc stops instead of wrapping around.

    x = 9223372036854775807 + 1"),
    code!("E0504", "index out of range", "A list is indexed past its end (indexes start at 0).

    first_topic = kafka.topics[3]      // only 2 topics

Check `len(xs)` first."),
    code!("E0505", "cycle", "A field's value depends on itself, directly or through other fields, so it has no value.

    memory = memory_limit
    memory_limit = memory

The message names the whole cycle. Give one of the fields a value that does not refer back."),
    code!("E0506", "evaluation too long", "Evaluation stopped after too many steps. A configuration never needs this much work; the help names the field being computed when the steps ran out: look there for a loop that runs far more often than intended, such as comprehensions nested over large lists.

    xs = [for i in range(0, 1000000) for j in range(0, 1000000): i * j]"),
    code!("E0507", "wrong arguments", "A builtin is called with the wrong number or types of arguments. The help line shows its signature.

    join(\",\", names)      // arguments swapped
    join(names, \",\")      // fine"),
    code!("E0508", "not amendable", "`{ ... }` amends records, maps and schema instances; a scalar or list cannot be amended.

    replicas { count = 2 }

Use `=` to replace a value, `+=` to append to a list."),
    code!("E0509", "cannot read file", "`read_file` could not read the file. Its path is relative to the file that calls it.

    config = read_file(\"files/app.conf\")"),
    code!("E0510", "read outside the project", "`read_file` may only read files below the project directory (the deepest directory holding the entry file and the modules it amends and imports), so a configuration cannot pull in arbitrary files from the machine that builds it.

    key = read_file(\"../../etc/passwd\")

Copy the file into the project."),
    code!("E0511", "malformed secret", "`secret(...)` takes an encrypted envelope as written by `digitc secret set`: `dg1:` followed by unpadded base64url text (A-Z a-z 0-9 - _) of at least 44 bytes (a 16-byte salt, a 12-byte nonce, the ciphertext and its 16-byte tag). `digitc check` verifies this shape without the passcode; whether it decrypts is only known with the passcode.

    password = secret(\"hunter2\")

Encrypt the value: `digitc secret set FILE GROUP.KEY` reads it from stdin and writes `secret(\"dg1:...\")` in place. Treat a plaintext that was ever committed as leaked."),
    code!("E0512", "invalid quantity", "A quantity literal could not be read.

Quantities are a number and a Kubernetes suffix: `250m`, `512Mi`, `1.5Gi`, `10G`."),
    code!("E0513", "value nested too deeply", "A value has records nested more than 256 levels deep. No configuration needs that; it almost always means a record refers to the field that holds it, and amending makes a new level at every step:

    h = { a = h } { a { b = 1 } }

Refer to a field of the record (`h.b`) or to another record instead of the record itself."),
    code!("E0520", "the command could not run", "Printed instead of a diagnostic when a command cannot run at all: a file or directory that cannot be read, a wrong command-line argument, an output that cannot be written. The exit code is 2. With `--format json` it is a JSON object with this code and no file or position.

Check the path and the arguments (`digitc help`)."),
    code!("E0521", "fields nested too deeply", "Computing a field needed another field, which needed another, more than 2 000 deep. No configuration needs that: it is a generated chain (`f0 = f1`, `f1 = f2`, ...) or a record that amends itself inside itself, which makes a new level at every step:

    m = { a = x.a, x = m { } }     // m.x.a needs m.x.x.a, which needs ...

Evaluation stops here, so that it cannot exhaust the stack or memory. Refer to a value rather than to the record that holds the field."),
    code!("E0522", "value too large", "A value grew larger than any configuration needs: a list of more than 4 000 000 elements, a string of more than 4 000 000 bytes, or a value containing more than 4 000 000 values when shared parts are counted as often as they appear (as `digitc eval` would print them). Values that double at each step grow exponentially:

    a0 = [1, 1]
    a1 = a0 + a0        // or [a0, a0], or \"${a0}${a0}\"
    ...

Evaluation stops at the first such value, so that it cannot exhaust memory; the message names the field that grew. Build large lists from `range` and comprehensions instead."),
    code!("E0523", "too many problems", "One evaluation keeps its first 10 000 problems; this diagnostic counts the rest and points at the first one left out. So many problems almost always come from one mistake repeated: a generator (`for`) or an amended record making the same error for every entry.

Fix the first problems reported and check again."),
    code!("E0530", "defined twice in one body", "One body (a module, a schema, or a `{ ... }`) defines the same field twice. Without this error the last definition would silently win, and the first is nearly always a forgotten line or a copy-and-paste.

    services.\"egov-user\" {
      replicas = 1
      image = \"egovio/egov-user:v1\"
      replicas = 2          // error: `replicas` is defined twice in one body
    }

What counts is the field a member finally sets: `a.b = 1`, `a { b = 1 }` and `a = { b = 1 }` all define `a.b`, so any two of them in one body are an error, and so is `a = { ... }` written after `a.b = 1` (the `=` replaces all of `a`, losing `a.b`). Different fields of one record are fine (`a.b = 1` and `a.c = 2`, or `a { b = 1 }` and `a { c = 2 }`); so are `+=` after `=` (it appends) and `a { ... }` after `a = ...` (it amends). Map entries count the same way: `\"k\" = 1` twice is an error.

Define the field once. To override a value on purpose, do it in a later layer, which is what amending is for: a module that amends this one (`amends \"../base.dg\"`, then `services.\"egov-user\".replicas = 2`), or an amend of a value made in another body (`base_service { replicas = 2 }`)."),
    code!("E0531", "declared twice", "A body declares the same field twice (`name: Type`), typically a schema:

    schema Topic {
      name: String
      partitions: Int = 1
      name: Name            // error: declared again
    }

Declare each field once, with its type and default together. A module that amends this one changes a default by setting the field (`partitions = 3`), without declaring it again."),
    code!("E0532", "`let` defined twice", "A body defines two `let`s with the same name, so the first could never be used after the second.

    let tag = \"v1\"
    let tag = \"v2\"        // error

Remove one, or rename it. A `let` in a nested body (`{ ... }`, a `for` or `if` body) may reuse a name from an enclosing one."),
    code!("E0533", "generated twice in one body", "A `for` or `if` member generates a field that the same body already defines, a `for` generates one key twice, or a computed key (`\"${e}\" = v`) lands on a key the body writes. Such keys are known only when the configuration runs, so this is reported while it is evaluated (for each environment that makes the duplicate), once per body however many objects are made from it.

    env {
      LOG_LEVEL = \"INFO\"
      if debug { LOG_LEVEL = \"DEBUG\" }      // error when `debug` is true
    }
    topics {
      for t in [\"a\", \"b\", \"a\"] { \"${t}\" = 1 }   // error: `a` twice
    }

Say it once: `LOG_LEVEL = if debug then \"DEBUG\" else \"INFO\"`, or keep the list free of repeats (`unique(xs)`). A generator may amend what the body defines (`\"${t}\" { ... }`), and overriding belongs in a later layer (a module that amends this one)."),
    code!("E0535", "new map entry made by an amend", "An amending module writes a key of a map of schema instances as a path or a block (`services.\"egov-searchr\".replicas = 2`, `services { \"egov-searchr\" { ... } }`), the key is not in the map below, and the members do not set the schema's required fields. Amending a missing key starts a new entry from the schema's defaults, so this is almost always a misspelt key: the help names the closest key of the map below.

    // base.dg
    services { \"egov-searcher\" = Service { image = \"egovio/egov-searcher:v1\" } }
    // env/qa.dg
    services.\"egov-searchr\".replicas = 2     // E0535: did you mean `egov-searcher`?

Correct the key. To add a new entry on purpose, set its required fields (or write `key = Service { ... }`)."),
    code!("E0536", "`[*]` outside a map", "`[*] { members }` amends every entry of a map (or every field of an untyped record) with the members. It is written directly in the map's block:

    services { [*] { replicas = 1 } }

A schema instance or a module has fields of different types, so `[*]` is not allowed there: name the fields to change instead."),
    code!("E0537", "a field no branch gave a value", "A name is read in a body that writes a field of that name only inside an `if` or `for` member, and that member set nothing here (the condition was false, or the loop ran over nothing). The keys a generator's body writes are names of the body whatever the generator makes, so the name does not fall through to a field further out:

    domain = \"example.org\"
    services { \"egov-user\" {
      if prod { domain = \"prod.example.org\" }
      host = \"${domain}\"      // E0537 outside prod: `domain` is this service's field
    } }

Give the field a value outside the `if` (or in an `else`), or read the outer field by its path from the root (`root.domain`)."),
    code!("E0601", "out of range", "An Int is outside the range its type allows (bounds are inclusive).

    // replicas: Int(0..)
    replicas = -1

Use a value in range."),
    code!("E0602", "invalid domain value", "A value does not fit a checked domain type: `Name` (a DNS-1123 label: lower-case letters, digits and `-`, at most 63 characters), `Port` (1..65535), `Image` (`registry/repo:tag` or `repo@sha256:...`), `Cron` (five fields) or `EnvName` (a C identifier).

    name = \"Egov_User\"
    name = \"egov-user\"        // fine"),
    code!("E0603", "check failed", "A `check` of a schema is false for this instance. The message says what the check wants.

    resources { memory = 1Gi, memory_limit = 512Mi }

    error: the memory limit is below the memory request

Change the values so the check holds."),
    code!("E0604", "missing required field", "A field declared without a default (`image: Image`) is never set on this instance.

    services.\"egov-user\" { replicas = 2 }      // no image

Set it:

    services.\"egov-user\" { image = \"egovio/egov-user:1.2.0\" }"),
    code!("W0535", "new map key close to an existing one", "An amending module writes a new key of a map as a path (`global.\"loging-level-jdbc\" = \"INFO\"`), and a key of the map below is close to it. New keys are legal in such maps, so this is a warning: it is most likely a misspelt key, which would leave the intended entry unchanged.

    // base.dg
    global { \"logging-level-jdbc\" = \"DEBUG\" }
    // env/qa.dg
    global.\"loging-level-jdbc\" = \"INFO\"     // W0535: did you mean `logging-level-jdbc`?

Correct the key; to add the new key on purpose, write it in a block: `global { \"loging-level-jdbc\" = \"INFO\" }` (keys written in a block are never warned about)."),
];

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<&str> = super::REGISTRY.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }
}
