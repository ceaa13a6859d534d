#![allow(clippy::unwrap_used)]

use serde_json::json;

use super::*;

fn scope(template: Value, given: &[(&str, &str)]) -> Scope {
    Scope::new(&template, &given.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
}

fn resolved(scope: &Scope, value: Value) -> Value {
    scope.resolve(&value, "P").unwrap().unwrap()
}

#[test]
fn parameters_resolve_from_given_values_then_defaults_and_lists_split() {
    let s = scope(
        json!({"Parameters": {
            "Instance": {"Type": "String", "Default": "arn:default"},
            "Profiles": {"Type": "CommaDelimitedList", "Default": "a, b"},
            "Level": {"Type": "Number", "Default": 3},
        }}),
        &[("Instance", "arn:given")],
    );
    assert_eq!(resolved(&s, json!({"Ref": "Instance"})), json!("arn:given"));
    assert_eq!(resolved(&s, json!({"Ref": "Profiles"})), json!(["a", "b"]));
    assert_eq!(resolved(&s, json!({"Ref": "Level"})), json!("3"));
}

#[test]
fn sub_join_select_split_get_att_and_find_in_map_are_evaluated() {
    let s = scope(
        json!({"Parameters": {"Instance": {"Type": "String", "Default": "arn:i"}},
            "Mappings": {"Profiles": {"us-east-1": {"Agent": "sp-1"}}}}),
        &[("AWS::Region", "us-east-1"), ("Group.Arn", "arn:g"), ("shared-rp", "arn:rp")],
    );
    assert_eq!(resolved(&s, json!({"Fn::Sub": ["${Instance}/x/${Id}", {"Id": "7"}]})), json!("arn:i/x/7"));
    assert_eq!(resolved(&s, json!({"Fn::Sub": "${Instance}-${!Literal}"})), json!("arn:i-${Literal}"));
    assert_eq!(
        resolved(&s, json!({"Fn::Join": ["/", [{"Ref": "Instance"}, "agent-group", "g"]]})),
        json!("arn:i/agent-group/g")
    );
    assert_eq!(resolved(&s, json!({"Fn::Select": ["1", {"Fn::Split": [",", "a,b,c"]}]})), json!("b"));
    assert_eq!(resolved(&s, json!({"Fn::GetAtt": ["Group", "Arn"]})), json!("arn:g"));
    assert_eq!(resolved(&s, json!({"Fn::ImportValue": "shared-rp"})), json!("arn:rp"));
    assert_eq!(resolved(&s, json!({"Fn::FindInMap": ["Profiles", {"Ref": "AWS::Region"}, "Agent"]})), json!("sp-1"));
}

#[test]
fn scalars_become_strings_and_no_value_drops_the_property() {
    let s = scope(json!({}), &[]);
    let value = json!({"AutoAccept": true, "Limit": 120, "Level": 3.5, "Gone": {"Ref": "AWS::NoValue"},
        "List": [1, {"Ref": "AWS::NoValue"}]});
    assert_eq!(resolved(&s, value), json!({"AutoAccept": "true", "Limit": "120", "Level": "3.5", "List": ["1"]}));
}

#[test]
fn what_cannot_be_resolved_names_the_path_and_the_parameter_that_would_supply_it() {
    let s = scope(json!({}), &[]);
    let e = s.resolve(&json!([{"Fn::ImportValue": "shared-rp"}]), "SecurityProfileArns").unwrap_err();
    assert_eq!(
        e.to_string(),
        "SecurityProfileArns[0]: Fn::ImportValue \"shared-rp\" cannot be resolved; supply it with --parameter \
         shared-rp=VALUE"
    );
    let e = s.resolve(&json!({"Fn::Sub": "${AWS::AccountId}:x"}), "InstanceArn").unwrap_err();
    assert_eq!(e.key.as_deref(), Some("AWS::AccountId"));
    let e = s.resolve(&json!({"Fn::If": ["C", "a", "b"]}), "Username").unwrap_err();
    assert_eq!(e.key, None);
    assert!(e.to_string().starts_with("Username: Fn::If cannot be resolved (plan does not evaluate it"), "{e}");
}

#[test]
fn a_stack_id_tells_the_pseudo_parameters() {
    let p = pseudo_parameters("arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/agents/6e0a3f10-cd7a");
    assert_eq!(p["AWS::Partition"], "aws-cn");
    assert_eq!(p["AWS::Region"], "cn-north-1");
    assert_eq!(p["AWS::AccountId"], "123456789012");
    assert_eq!(p["AWS::StackName"], "agents");
    assert!(pseudo_parameters("not an arn").is_empty());
}
