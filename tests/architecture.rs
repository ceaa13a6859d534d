//! The layering of `src/` (see the lib's top doc comment), checked on the source text: the core is pure
//! and imports nothing from above it, the app talks to ports and never names an adapter, no modules import one
//! another in a circle, no source file outgrows one job, and every document a code comment cites is a file in
//! the repository.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every line of the layer's files that mentions one of `forbidden`, as `file:line: text`.
fn offending_lines(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(&root().join("src").join(layer)) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if let Some(word) = forbidden.iter().find(|w| code.contains(*w)) {
                found.push(format!("{}:{}: {word}: {}", file.display(), n + 1, code));
            }
        }
    }
    found
}

#[test]
fn the_core_is_pure_and_imports_nothing_from_above() {
    let forbidden = [
        "crate::app",
        "crate::adapters",
        "tokio",
        "reqwest",
        "aws_sdk",
        "aws_config",
        "lambda_runtime",
        "tracing",
        "async ",
        ".await",
        "std::fs",
        "std::net::TcpStream",
        "std::env",
        "SystemTime::now",
        "Instant::now",
    ];
    let found = offending_lines("core", &forbidden);
    assert!(found.is_empty(), "the core must stay pure:\n{}", found.join("\n"));
}

#[test]
fn the_app_names_ports_never_adapters() {
    let forbidden = ["crate::adapters", "reqwest", "aws_sdk", "aws_config", "lambda_runtime"];
    let found = offending_lines("app", &forbidden);
    assert!(found.is_empty(), "the app must talk to ports only:\n{}", found.join("\n"));
}

#[test]
fn every_document_a_comment_cites_is_in_the_repository() {
    let mut files = rust_files(&root().join("src"));
    for dir in ["tests", "benches", "crates"] {
        files.extend(rust_files(&root().join(dir)));
    }
    let mut missing = Vec::new();
    let mut cited = 0;
    for file in files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let Some(comment) = line.find("//").map(|at| &line[at..]) else { continue };
            for word in comment.split(|c: char| c.is_whitespace() || "()[]`,;:".contains(c)) {
                let Some(name) = word.strip_suffix(".md") else { continue };
                let name = name.rsplit('/').next().unwrap_or(name);
                if name.is_empty() || name.eq_ignore_ascii_case("README") {
                    continue;
                }
                cited += 1;
                if !root().join("docs").join(format!("{name}.md")).is_file() {
                    missing.push(format!("{}:{}: {word}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(cited > 0, "no citation found: the scan is broken");
    assert!(missing.is_empty(), "cited documents missing from docs/:\n{}", missing.join("\n"));
}

/// The longest a source file outside the tests may be: past it, a file is doing more than one job.
const MAX_SOURCE_LINES: usize = 600;

/// A test file: one named `tests.rs`, or one under a `tests/` directory.
fn is_test_file(relative: &Path) -> bool {
    relative.file_name().is_some_and(|n| n == "tests.rs") || relative.components().any(|c| c.as_os_str() == "tests")
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut dirs = vec![root().join("src")];
    if let Ok(crates) = fs::read_dir(root().join("crates")) {
        dirs.extend(crates.flatten().map(|c| c.path().join("src")));
    }
    let mut checked = 0;
    let mut long = Vec::new();
    for file in dirs.iter().flat_map(|dir| rust_files(dir)) {
        let relative = file.strip_prefix(root()).unwrap_or(&file);
        if is_test_file(relative) {
            continue;
        }
        checked += 1;
        let lines = fs::read_to_string(&file).unwrap_or_default().lines().count();
        if lines > MAX_SOURCE_LINES {
            long.push(format!("{}: {lines} lines", relative.display()));
        }
    }
    assert!(checked > 0, "no source file found: the scan is broken");
    assert!(
        long.is_empty(),
        "source files over {MAX_SOURCE_LINES} lines (split them by job; tests.rs and tests/ are exempt):\n{}",
        long.join("\n")
    );
}

// ---- import circles ------------------------------------------------------------------------------------------
//
// The graph is one of files: a module is a file (`mod.rs` is its directory's module, `lib.rs` the crate root),
// and an inline `mod x { … }` belongs to its file. Module A depends on module B when A's code names B or
// something in B: a `use` (every leaf of a use tree, `use super::*` included), or a path in the code starting
// with `crate::`, `super::` (any number of times), `self::` or the name of one of A's child modules. A path
// resolves to the longest module prefix it has: `crate::core::props::parse` is a use of `core::props`. Declaring
// a child (`mod x;`) is containment, not a use. An edge to an ancestor counts like any other: a parent that uses
// its child while the child uses the parent (`use super::*` is enough) is a circle, the two cannot be understood
// or changed one without the other. Not looked at: comments (intra-doc links included), literals, test code
// (`#[cfg(test)]` items, `tests.rs`, files under `tests/`), `$crate::` in macros, `pub(in path)` visibilities,
// and the binaries (`main.rs`, `src/bin/`), crates of their own that reach the library by its name.

type Module = Vec<String>;

fn module_name(module: &[String]) -> String {
    if module.is_empty() { "crate".to_owned() } else { module.join("::") }
}

/// The module a file under `src/` holds, from its path relative to `src/`; `None` for a binary's file.
fn module_of(relative: &str) -> Option<Module> {
    let stem = relative.strip_suffix(".rs")?;
    let mut parts: Module = stem.split('/').map(str::to_owned).collect();
    match parts.last().map(String::as_str) {
        Some("main") if parts.len() == 1 => return None,
        Some("lib") if parts.len() == 1 => parts.clear(),
        Some("mod") => {
            parts.pop();
        }
        _ => {}
    }
    (parts.first().map(String::as_str) != Some("bin")).then_some(parts)
}

/// `text` with comments, string, byte-string, raw-string and character literals blanked out (line breaks kept),
/// so that what is left is code and a position still gives its line.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    // At a raw string (`r"…"`, `r#"…"#`, `br"…"`): the length of its prefix and how many `#` close it.
    let raw_string = |i: usize| {
        let prefix = match (at(i), at(i + 1)) {
            ('r', _) => 1,
            ('b', 'r') => 2,
            _ => return None,
        };
        let hashes = (i + prefix..).take_while(|&j| at(j) == '#').count();
        (at(i + prefix + hashes) == '"').then_some((prefix, hashes))
    };
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, from: usize, to: usize| {
        out.extend(chars[from..to.min(chars.len())].iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
    };
    let mut i = 0;
    while i < chars.len() {
        let (c, next) = (chars[i], at(i + 1));
        let prev_is_ident = i > 0 && is_ident(chars[i - 1]);
        let start = i;
        if c == '/' && next == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if let Some((prefix, hashes)) = raw_string(i).filter(|_| !prev_is_ident) {
            // It ends at a quote followed by as many `#` as it opened with.
            i += prefix + hashes + 1;
            while i < chars.len() && !(at(i) == '"' && (1..=hashes).all(|k| at(i + k) == '#')) {
                i += 1;
            }
            i += 1 + hashes;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c == '\'' && next == '\\' {
            // An escaped character (`'\''`, `'\u{1F600}'`): the escaped one is skipped, then up to the quote.
            i += 3;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c == '\'' && at(i + 2) == '\'' {
            i += 3;
        } else {
            // Code, or the quote of a lifetime (`'a`), which opens nothing.
            out.push(c);
            i += 1;
            continue;
        }
        blank(&mut out, start, i);
    }
    out
}

/// A word (identifier, keyword or number), `::`, or one punctuation character, with its line.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    line: usize,
}

fn tokens(code: &str) -> Vec<Token> {
    let mut found = Vec::new();
    let mut line = 1;
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let mut word = c.to_string();
            while let Some(&next) = chars.peek().filter(|n| n.is_alphanumeric() || **n == '_') {
                word.push(next);
                chars.next();
            }
            found.push(Token { text: word, line });
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            found.push(Token { text: "::".to_owned(), line });
        } else if !c.is_whitespace() {
            found.push(Token { text: c.to_string(), line });
        }
    }
    found
}

/// The index just past the item that starts at `i`: through its `;`, or through the `}` that closes its body.
fn item_end(tokens: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < tokens.len() {
        match tokens[i].text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" => depth = depth.saturating_sub(1),
            "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            ";" if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

fn is(tokens: &[Token], i: usize, text: &str) -> bool {
    tokens.get(i).is_some_and(|t| t.text == text)
}

fn is_word(tokens: &[Token], i: usize) -> bool {
    tokens.get(i).is_some_and(|t| t.text.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

/// The index just past the bracket that closes the one at `i`.
fn closing(tokens: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < tokens.len() {
        match tokens[i].text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The tokens without the items marked `#[cfg(test)]` (with any attributes that follow the mark), and the names
/// of the child modules declared that way (`#[cfg(test)] mod x;`), whose files are test code.
fn without_test_items(tokens: Vec<Token>) -> (Vec<Token>, Vec<String>) {
    const MARK: [&str; 7] = ["#", "[", "cfg", "(", "test", ")", "]"];
    let mut kept = Vec::with_capacity(tokens.len());
    let mut test_modules = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !MARK.iter().enumerate().all(|(k, m)| is(&tokens, i + k, m)) {
            kept.push(tokens[i].clone());
            i += 1;
            continue;
        }
        i += MARK.len();
        while is(&tokens, i, "#") && is(&tokens, i + 1, "[") {
            i = closing(&tokens, i + 1);
        }
        let end = item_end(&tokens, i);
        let words: Vec<&str> = tokens[i..end].iter().map(|t| t.text.as_str()).collect();
        if let [.., "mod", name, ";"] = words.as_slice() {
            test_modules.push((*name).to_owned());
        }
        i = end;
    }
    (kept, test_modules)
}

/// One `use` tree from `i`, every leaf added to `out` as a full path (a glob's path is the module it reads).
fn use_tree(tokens: &[Token], i: &mut usize, prefix: Module, out: &mut Vec<(Module, usize)>) {
    let mut path = prefix;
    let line = tokens.get(*i).map_or(0, |t| t.line);
    while let Some(token) = tokens.get(*i) {
        match token.text.as_str() {
            "::" => *i += 1,
            "*" => {
                *i += 1;
                path.push("*".to_owned());
                break;
            }
            "{" => {
                *i += 1;
                while *i < tokens.len() && !is(tokens, *i, "}") {
                    use_tree(tokens, i, path.clone(), out);
                    if is(tokens, *i, ",") {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            // `{self}` names the prefix itself.
            "self" if !path.is_empty() => {
                *i += if is(tokens, *i + 1, "as") { 3 } else { 1 };
                break;
            }
            word if is_word(tokens, *i) => {
                path.push(word.to_owned());
                *i += 1;
                if !is(tokens, *i, "::") {
                    if is(tokens, *i, "as") {
                        *i += 2;
                    }
                    break;
                }
            }
            _ => break,
        }
    }
    out.push((path, line));
}

/// Every path of crate-local code in a file's tokens, each with its line and the (inline) module it is written
/// in: `use` trees expanded, and the paths of the code that start with `crate`, `super`, `self` or a child.
fn paths(tokens: &[Token], file_module: &[String], modules: &BTreeSet<Module>) -> Vec<(Module, Module, usize)> {
    let mut found = Vec::new();
    // The inline modules open at this point, each with the brace depth its body ends at.
    let mut scopes: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let current: Module = file_module.iter().cloned().chain(scopes.iter().map(|(name, _)| name.clone())).collect();
        let text = tokens[i].text.as_str();
        let starts_path = i == 0 || !is(tokens, i - 1, "::") && !is(tokens, i - 1, "$");
        match text {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if scopes.last().is_some_and(|(_, end)| *end == depth) {
                    scopes.pop();
                }
            }
            "mod" if is(tokens, i + 2, "{") => {
                scopes.push((tokens[i + 1].text.clone(), depth));
                depth += 1;
                i += 3;
                continue;
            }
            "pub" if is(tokens, i + 1, "(") && is(tokens, i + 2, "in") => {
                while i < tokens.len() && !is(tokens, i, ")") {
                    i += 1;
                }
            }
            "use" => {
                i += 1;
                let mut leaves = Vec::new();
                use_tree(tokens, &mut i, Vec::new(), &mut leaves);
                found.extend(leaves.into_iter().map(|(path, line)| (current.clone(), path, line)));
                continue;
            }
            _ if starts_path && is(tokens, i + 1, "::") => {
                let mut child = current.clone();
                child.push(text.to_owned());
                if matches!(text, "crate" | "super" | "self") || modules.contains(&child) {
                    let line = tokens[i].line;
                    let mut path = vec![text.to_owned()];
                    while is(tokens, i + 1, "::") && is_word(tokens, i + 2) {
                        path.push(tokens[i + 2].text.clone());
                        i += 2;
                    }
                    found.push((current, path, line));
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The module `path` (written in module `current`) names: the longest module prefix of the path it stands for;
/// `None` for a path outside the crate.
fn resolve(current: &[String], path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    let first = path.first()?.as_str();
    let mut child = current.to_vec();
    child.push(first.to_owned());
    let (mut full, mut rest) = match first {
        "crate" => (Module::new(), &path[1..]),
        "self" | "super" => (current.to_vec(), path),
        _ if modules.contains(&child) => (current.to_vec(), path),
        _ => return None,
    };
    while let Some((step, after)) = rest.split_first().filter(|(s, _)| matches!(s.as_str(), "self" | "super")) {
        if step == "super" {
            full.pop()?;
        }
        rest = after;
    }
    full.extend(rest.iter().cloned());
    (0..=full.len()).rev().map(|n| full[..n].to_vec()).find(|prefix| modules.contains(prefix))
}

/// Module → module it uses → where first (`file:line: path`).
type Graph = BTreeMap<Module, BTreeMap<Module, String>>;

/// The module graph of a crate's `src/`, given as (path relative to `src/`, text) pairs.
fn module_graph(files: &[(String, String)]) -> Graph {
    let mut parsed = Vec::new();
    let mut test_modules = BTreeSet::new();
    for (relative, text) in files {
        let Some(module) = module_of(relative) else { continue };
        if is_test_file(Path::new(relative)) {
            continue;
        }
        let (kept, tests) = without_test_items(tokens(&code_only(text)));
        test_modules.extend(tests.into_iter().map(|name| module.iter().cloned().chain([name]).collect::<Module>()));
        parsed.push((relative, module, kept));
    }
    let is_test = |m: &Module| test_modules.iter().any(|t| m.starts_with(t));
    parsed.retain(|(_, module, _)| !is_test(module));
    let modules: BTreeSet<Module> = parsed.iter().map(|(_, module, _)| module.clone()).collect();
    let mut graph = Graph::new();
    for (relative, module, tokens) in &parsed {
        let uses = graph.entry(module.clone()).or_default();
        for (current, path, line) in paths(tokens, module, &modules) {
            let Some(target) = resolve(&current, &path, &modules) else { continue };
            if &target != module {
                uses.entry(target).or_insert_with(|| format!("src/{relative}:{line}: {}", path.join("::")));
            }
        }
    }
    graph
}

/// The graph's strongly connected components of more than one module (Tarjan), each sorted, in module order.
fn circles(graph: &Graph) -> Vec<Vec<Module>> {
    struct Walk<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        found: Vec<Vec<Module>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, module: &'g Module) {
            let n = self.index.len();
            self.index.insert(module, n);
            self.low.insert(module, n);
            self.stack.push(module);
            let graph = self.graph;
            for next in graph.get(module).into_iter().flat_map(BTreeMap::keys) {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[module].min(self.low[next]);
                    self.low.insert(module, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[module].min(self.index[next]);
                    self.low.insert(module, low);
                }
            }
            if self.low[module] == self.index[module] {
                let at = self.stack.iter().rposition(|m| *m == module).unwrap_or(0);
                let mut component: Vec<Module> = self.stack.drain(at..).cloned().collect();
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for module in graph.keys() {
        if !walk.index.contains_key(module) {
            walk.visit(module);
        }
    }
    walk.found.sort();
    walk.found
}

/// Each circle as its modules, then every edge between them with where it is written.
fn describe_circles(graph: &Graph, found: &[Vec<Module>]) -> String {
    let mut text = String::new();
    for component in found {
        let names: Vec<String> = component.iter().map(|m| module_name(m)).collect();
        text.push_str(&format!("circle: {}\n", names.join(", ")));
        for from in component {
            for (to, at) in graph.get(from).into_iter().flatten().filter(|(to, _)| component.contains(to)) {
                text.push_str(&format!("  {} -> {}  ({at})\n", module_name(from), module_name(to)));
            }
        }
    }
    text
}

fn sources(dir: &Path) -> Vec<(String, String)> {
    rust_files(dir)
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(dir).unwrap_or(&file).to_string_lossy().replace('\\', "/");
            (relative, fs::read_to_string(&file).unwrap_or_default())
        })
        .collect()
}

#[test]
fn no_module_imports_in_a_circle() {
    let graph = module_graph(&sources(&root().join("src")));
    let edges: usize = graph.values().map(BTreeMap::len).sum();
    assert!(graph.len() > 20 && edges > graph.len(), "{} modules, {edges} edges: the scan is broken", graph.len());
    let found = circles(&graph);
    assert!(
        found.is_empty(),
        "modules that import one another in a circle (move what they share into a module both can use):\n{}",
        describe_circles(&graph, &found)
    );
}

#[test]
fn the_circle_finder_sees_every_kind_of_use_and_ignores_comments_literals_and_tests() {
    let files = [
        ("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d; pub mod e; pub mod f; pub mod g;"),
        // A parent using its child, the child reading the parent by a glob.
        ("a/mod.rs", "mod child;\nuse child::Thing;"),
        ("a/child.rs", "use super::*;\npub struct Thing;"),
        // A path in the code one way, a use tree the other, behind a character literal that holds a quote.
        ("b.rs", "pub fn f() -> char { crate::c::g(); '\"' }"),
        ("c.rs", "pub fn g<'a>(_: &'a str) -> char { '\\'' }\nuse crate::{b::{self as other}, d};"),
        // Only comments, literals and test code name `e`: no circle with it.
        (
            "d.rs",
            "// crate::e::E\n/* crate::e /* nested */ crate::e */\nconst S: &str = \"crate::e::E\";\n\
             const R: &str = r#\"crate::e \"quoted\" \"#;\npub struct D;\n\
             #[cfg(test)]\n#[allow(dead_code)]\nmod tests { use crate::e::*; }\n#[cfg(test)]\nmod more;",
        ),
        ("d/more.rs", "use crate::e::E;"),
        ("e.rs", "use crate::d::D;\npub struct E;"),
        // Two levels up from a grandchild, and the grandparent naming the grandchild.
        ("f/mod.rs", "mod sub;\npub fn f() { sub::deep::h() }"),
        ("f/sub/mod.rs", "pub mod deep;"),
        ("f/sub/deep.rs", "pub fn h() { super::super::f() }"),
        // An inline module's `super` is the file's module: no edge out of `g`.
        ("g.rs", "pub struct G;\nmod inner { use super::G; }"),
        ("g/tests.rs", "use crate::a::Thing;"),
        ("main.rs", "use crate::x;"),
    ];
    let files: Vec<(String, String)> = files.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    let graph = module_graph(&files);
    let found: Vec<Vec<String>> = circles(&graph).iter().map(|c| c.iter().map(|m| module_name(m)).collect()).collect();
    assert_eq!(found, [vec!["a", "a::child"], vec!["b", "c"], vec!["f", "f::sub::deep"]], "{graph:#?}");
    let text = describe_circles(&graph, &circles(&graph));
    assert!(text.contains("a::child -> a  (src/a/child.rs:1: super::*)"), "{text}");
    assert!(text.contains("c -> b  (src/c.rs:2: crate::b)"), "{text}");
    assert!(text.contains("f::sub::deep -> f  (src/f/sub/deep.rs:1: super::super::f)"), "{text}");
}
