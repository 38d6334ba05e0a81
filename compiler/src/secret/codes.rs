//! Diagnostic codes of secrets: E08xx.

use digit_lang::diagnostic::CodeInfo;

pub const REGISTRY: &[CodeInfo] = &[
    CodeInfo {
        code: "E0801",
        title: "secret outside `secrets`",
        explanation: "`secret(\"dg1:...\")` may only be written directly at `secrets.GROUP.KEY`. The envelope is bound to that path (its additional authenticated data is `group.key`), so an envelope written anywhere else could never be decrypted, and one that is not stored at a Secret field at all would be silently dropped.

    services.\"egov-user\".secret_env.DB_PASSWORD = secret(\"dg1:...\")   // wrong

Store the envelope under `secrets` and refer to it:

    secrets.db.password = secret(\"dg1:...\")     // written by `digitc secret set FILE db.password`
    services.\"egov-user\".secret_env.DB_PASSWORD = secrets.db.password",
    },
    CodeInfo {
        code: "E0802",
        title: "secret does not decrypt",
        explanation: "`digitc build` (or `digitc secret decrypt`, `rotate`) could not open a secret. AES-256-GCM authenticates every value, and the three causes look the same to it:

- the passcode is wrong (check `DIGIT_SECRET_PASSCODE`, `EGOV_SECRET_PASSCODE` or the `--passcode-file`);
- the envelope was changed (a merge, a bad copy and paste);
- the envelope was made for another path: each value is bound to its `group.key`, so ciphertext copied from `secrets.db.password` to `secrets.db.username` does not open.

Re-encrypt the value at its place with `digitc secret set FILE group.key` (the plaintext is read from stdin). Nothing is written when a secret fails to open.",
    },
    CodeInfo {
        code: "E0803",
        title: "malformed secret envelope",
        explanation: "A `secret(...)` argument is not a `dg1:` envelope: `dg1:` followed by unpadded base64url text (A-Z a-z 0-9 - _) of at least 44 bytes (16 of salt, 12 of nonce, the ciphertext and its 16-byte tag). `digitc check` verifies this shape without the passcode.

    secrets.db.password = secret(\"dg1:c2VjcmV0\")   // too short: not written by digitc

Never write envelopes by hand; encrypt the value with `digitc secret set FILE db.password` (the plaintext is read from stdin).",
    },
];
