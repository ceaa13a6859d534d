"""Consistency checks of the deployment assets, run by scripts/check-templates.sh (with cfn-lint's virtualenv,
which has PyYAML):

- template.yaml's Serverless Application Repository metadata: SemanticVersion is Cargo.toml's [package]
  version, SourceCodeUrl names that version's tag, and the fields meet the repository's rules;
- the construct library (cdk/package.json) has the same version and repository;
- deploy/prebuilt.yaml deploys what template.yaml deploys: the same parameters, conditions, log group, role
  (IAM policies included), function settings (environment included) and outputs, compared as parsed
  CloudFormation, not as text. Only the code (S3 bucket and key instead of SAM's build) and the architecture
  (a parameter: the release ships both zips) differ;
- the role's inline policies, expanded for 8 instances (85-character ARNs) with every optional statement on, stay
  within IAM's 10,240 characters, as the README's "IAM permissions" promises.

Prints one line per check and a closing "templates: N passed, M failed"; exits non-zero on any failure.
"""

import json
import pathlib
import re
import sys
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form intrinsics (!Ref, !Sub, !GetAtt, …) read as their long forms."""


def _intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    key = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    return {key: value}


CloudFormationLoader.add_multi_constructor("!", _intrinsic)


def load(relative):
    with open(ROOT / relative, encoding="utf-8") as f:
        return yaml.load(f, Loader=CloudFormationLoader)


def cargo_version():
    with open(ROOT / "Cargo.toml", "rb") as f:
        return tomllib.load(f)["package"]["version"]


CHECKS = []


def check(function):
    CHECKS.append(function)
    return function


def differences(actual, expected, path="$"):
    """The paths at which two parsed documents differ, each with both values."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        return [d for key in sorted(set(actual) | set(expected), key=str)
                for d in differences(actual.get(key, "<absent>"), expected.get(key, "<absent>"), f"{path}.{key}")]
    if isinstance(actual, list) and isinstance(expected, list) and len(actual) == len(expected):
        return [d for i, (a, e) in enumerate(zip(actual, expected)) for d in differences(a, e, f"{path}[{i}]")]
    if actual != expected:
        return [f"{path}: got {json.dumps(actual, sort_keys=True)}, expected {json.dumps(expected, sort_keys=True)}"]
    return []


def expect_equal(actual, expected, what):
    found = differences(actual, expected)
    if found:
        raise AssertionError(f"{what} differ:\n  " + "\n  ".join(found))


def sar():
    return load("template.yaml")["Metadata"]["AWS::ServerlessRepo::Application"]


@check
def semantic_version_is_the_cargo_version():
    expect_equal(sar()["SemanticVersion"], cargo_version(), "SemanticVersion and Cargo.toml's version")


@check
def source_code_url_names_the_version_tag():
    meta = sar()
    expect_equal(meta["SourceCodeUrl"], f"{meta['HomePageUrl']}/tree/v{cargo_version()}", "SourceCodeUrl")


@check
def sar_metadata_meets_the_repository_rules():
    meta = sar()
    required = ["Name", "Description", "Author", "SpdxLicenseId", "LicenseUrl", "ReadmeUrl", "Labels",
                "HomePageUrl", "SemanticVersion", "SourceCodeUrl"]
    missing = [k for k in required if not meta.get(k)]
    if missing:
        raise AssertionError(f"missing: {missing}")
    # The Serverless Application Repository's CreateApplication constraints.
    if not re.fullmatch(r"[a-zA-Z0-9\-]{1,140}", meta["Name"]):
        raise AssertionError(f"Name {meta['Name']!r}")
    if not re.fullmatch(r"[a-z0-9](([a-z0-9]|-(?!-))*[a-z0-9])?", meta["Author"]) or len(meta["Author"]) > 127:
        raise AssertionError(f"Author {meta['Author']!r}: lower-case letters, digits and single hyphens")
    if not 1 <= len(meta["Description"]) <= 256:
        raise AssertionError(f"Description is {len(meta['Description'])} characters (at most 256)")
    labels = meta["Labels"]
    if len(labels) > 10 or not all(re.fullmatch(r"[a-zA-Z0-9+\-_:/@]{1,127}", label) for label in labels):
        raise AssertionError(f"Labels {labels}")
    if not re.fullmatch(r"\d+\.\d+\.\d+", meta["SemanticVersion"]):
        raise AssertionError(f"SemanticVersion {meta['SemanticVersion']!r}")
    for key in ("LicenseUrl", "ReadmeUrl"):
        if not (ROOT / meta[key]).is_file():
            raise AssertionError(f"{key} {meta[key]} is not a file of the repository")
    expect_equal(meta["SpdxLicenseId"], "Apache-2.0", "SpdxLicenseId and Cargo.toml's license")


@check
def construct_library_has_the_same_version_and_repository():
    package = json.loads((ROOT / "cdk" / "package.json").read_text(encoding="utf-8"))
    expect_equal(package["version"], cargo_version(), "cdk/package.json's version and Cargo.toml's")
    repository = package["repository"]["url"].removesuffix(".git")
    expect_equal(repository, sar()["HomePageUrl"], "cdk/package.json's repository and HomePageUrl")


def sam_function(template):
    """The SAM function's properties with its Globals applied, as the SAM transform would."""
    function = template["Resources"]["ProviderFunction"]
    properties = dict(template.get("Globals", {}).get("Function", {}))
    properties.update(function["Properties"])
    return properties


@check
def prebuilt_has_the_same_role_and_iam_policies():
    sam, prebuilt = load("template.yaml"), load("deploy/prebuilt.yaml")
    expect_equal(prebuilt["Resources"]["ProviderRole"], sam["Resources"]["ProviderRole"], "ProviderRole")


@check
def prebuilt_has_the_same_function_settings_and_environment():
    sam, prebuilt = load("template.yaml"), load("deploy/prebuilt.yaml")
    ours = prebuilt["Resources"]["ProviderFunction"]
    expect_equal(ours["Type"], "AWS::Lambda::Function", "the prebuilt function's type")
    theirs = sam_function(sam)
    expect_equal(ours["Properties"].get("Environment"), theirs.get("Environment"), "Environment")
    expect_equal(ours["Properties"]["Code"], {"S3Bucket": {"Ref": "CodeS3Bucket"}, "S3Key": {"Ref": "CodeS3Key"}},
                 "Code")
    expect_equal(ours["Properties"]["Architectures"], [{"Ref": "Architecture"}], "Architectures")
    differing = ("Code", "CodeUri", "Architectures")
    expect_equal({k: v for k, v in ours["Properties"].items() if k not in differing},
                 {k: v for k, v in theirs.items() if k not in differing}, "the function's other properties")


@check
def prebuilt_has_the_same_parameters_conditions_log_group_and_outputs():
    sam, prebuilt = load("template.yaml"), load("deploy/prebuilt.yaml")
    code_parameters = {"CodeS3Bucket", "CodeS3Key", "Architecture"}
    expect_equal({k: v for k, v in prebuilt["Parameters"].items() if k not in code_parameters},
                 sam["Parameters"], "Parameters")
    expect_equal(prebuilt.get("Conditions"), sam.get("Conditions"), "Conditions")
    expect_equal(sorted(prebuilt["Resources"]), sorted(sam["Resources"]), "the resources' logical ids")
    expect_equal(prebuilt["Resources"]["ProviderLogGroup"], sam["Resources"]["ProviderLogGroup"], "ProviderLogGroup")
    expect_equal(prebuilt["Outputs"], sam["Outputs"], "Outputs")
    if "Transform" in prebuilt:
        raise AssertionError("deploy/prebuilt.yaml must deploy without the SAM transform")


# What the README promises the role holds, and IAM's limit on a role's inline policies (whitespace not counted).
INSTANCES_THE_ROLE_FITS = 8
INLINE_POLICY_LIMIT = 10_240


def expand(value, env):
    """The intrinsics the role uses (Ref, Sub, Join, Split, If: the true branch), evaluated with `env`."""
    if isinstance(value, list):
        return [expand(item, env) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, argument), = value.items()
        if key == "Ref":
            return env[argument]
        if key == "Fn::Sub":
            return re.sub(r"\$\{([^}]+)\}", lambda m: str(env[m.group(1)]), argument)
        if key == "Fn::Join":
            items = expand(argument[1], env)
            return argument[0].join(x if isinstance(x, str) else argument[0].join(x) for x in items)
        if key == "Fn::Split":
            return expand(argument[1], env).split(argument[0])
        if key == "Fn::If":
            return expand(argument[1], env)
        if key == "Fn::GetAtt":
            return f"arn:aws:logs:eu-west-2:111122223333:log-group:/aws/lambda/{argument[0]}:*"
    return {key: expand(item, env) for key, item in value.items()}


@check
def the_role_fits_the_promised_number_of_instances():
    template = load("template.yaml")
    instances = [f"arn:aws:connect:eu-west-2:111122223333:instance/a1b2c3d4-0000-4000-8000-{n:012}"
                 for n in range(INSTANCES_THE_ROLE_FITS)]
    env = {"ConnectInstanceArns": instances, "AWS::Partition": "aws", "AWS::AccountId": "111122223333",
           "AWS::Region": "eu-west-2", "PasswordSecretNamePrefix": "connect/agents/",
           "PasswordSecretKmsKeyArns": ["arn:aws:kms:eu-west-2:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"]}
    policies = expand(template["Resources"]["ProviderRole"]["Properties"]["Policies"], env)
    size = sum(len(json.dumps(p["PolicyDocument"], separators=(",", ":"))) for p in policies)
    if size > INLINE_POLICY_LIMIT:
        raise AssertionError(f"{size} characters of inline policy for {INSTANCES_THE_ROLE_FITS} instances, over "
                             f"IAM's {INLINE_POLICY_LIMIT}")


def main():
    failed = 0
    for function in CHECKS:
        name = function.__name__.replace("_", " ")
        try:
            function()
            print(f"ok   {name}")
        except Exception as error:  # noqa: BLE001 - every failure is reported, then counted
            failed += 1
            print(f"FAIL {name}: {error}")
    print(f"templates: {len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
