//! The README's property reference matches the property model: same names, same required ones.

use cfn_connect_user::core::props;
use serde_json::json;

/// The rows of the table under `## Properties`: (name, type, required).
fn rows() -> Vec<(String, String, String)> {
    let readme = include_str!("../README.md");
    let section = readme.split("\n## Properties\n").nth(1).unwrap_or_default();
    let section = section.split("\n#").next().unwrap_or_default();
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_owned(), cells.get(2)?.to_string(), cells.get(3)?.to_string()))
        })
        .collect()
}

#[test]
fn every_property_has_one_row_and_every_row_is_a_property() {
    let documented: Vec<String> = rows().into_iter().map(|(name, _, _)| name).collect();
    assert_eq!(documented, props::PROPERTIES.iter().map(|p| p.to_string()).collect::<Vec<_>>());
}

/// "Yes" for a property validation requires; "Yes, or `Other`" for each of a pair of which one is required (the
/// ARN property, whose error names the other, and the name property that stands for it); "No" otherwise.
#[test]
fn the_required_column_matches_validation() {
    let Err(errors) = props::parse(&json!({})) else { panic!("an empty template must be invalid") };
    let rows = rows();
    for (name, _, required) in &rows {
        let reported = errors.0.iter().find(|e| &e.path == name && e.message.starts_with("required"));
        let expected = match reported {
            Some(e) if e.message == "required" => "Yes".to_owned(),
            Some(e) => {
                let other = e.message.strip_prefix("required (or ").and_then(|m| m.strip_suffix(')'));
                format!("Yes, or `{}`", other.unwrap_or_else(|| panic!("{name}: {}", e.message)))
            }
            None => {
                let partner = errors.0.iter().find(|e| e.message == format!("required (or {name})"));
                partner.map_or_else(|| "No".to_owned(), |e| format!("Yes, or `{}`", e.path))
            }
        };
        assert_eq!(required, &expected, "{name}: README says required = {required}");
    }
}

#[test]
fn the_type_column_names_a_json_shape() {
    for (name, kind, _) in rows() {
        assert!(
            ["String", "Boolean", "Object", "List of String", "List of Object"].contains(&kind.as_str()),
            "{name}: {kind}"
        );
    }
}
