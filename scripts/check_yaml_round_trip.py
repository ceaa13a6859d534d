"""The YAML export reads back, with YAML 1.1 parsers, exactly as the JSON export of the same instance does.

CloudFormation reads YAML 1.1, and so does the AWS CLI (`aws cloudformation package` and `deploy` parse and rewrite
templates with PyYAML): a value written plain that 1.1 types as a boolean, a number, a date or a null would change an
agent's name or tag on the way. Reads both exports (the main template and every nested one its TemplateURLs name) with
the AWS CLI's own template parser and with PyYAML's safe loader, and compares each YAML file with its JSON twin.

Usage: python check_yaml_round_trip.py EXPORT.yaml EXPORT.json
"""

import json
import pathlib
import sys

import yaml
from awscli.customizations.cloudformation.yamlhelper import yaml_parse


def templates(main: pathlib.Path, load):
    """The main template and its nested ones, by file stem, each loaded with `load`."""
    loaded = {}
    pending = [main]
    while pending:
        path = pending.pop()
        template = load(path.read_text(encoding="utf-8"))
        loaded[path.stem] = template
        for resource in template.get("Resources", {}).values():
            if resource.get("Type") == "AWS::CloudFormation::Stack":
                url = resource["Properties"]["TemplateURL"]
                # The twins name their nested files with their own extension.
                resource["Properties"]["TemplateURL"] = pathlib.Path(url).stem
                pending.append(path.parent / url)
    return loaded


def strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


def main() -> int:
    yaml_main, json_main = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    expected = templates(json_main, json.loads)
    failures = []
    for name, load in [("the AWS CLI's yaml_parse", yaml_parse), ("PyYAML's safe_load", yaml.safe_load)]:
        try:
            read = templates(yaml_main, load)
        except Exception as error:  # the parser's own words say where
            failures.append(f"{name}: cannot read the YAML export: {error}")
            continue
        if read.keys() != expected.keys():
            failures.append(f"{name}: files {sorted(read)} against {sorted(expected)}")
            continue
        for stem, template in read.items():
            if template != expected[stem]:
                failures.append(f"{name}: {stem} reads back differently from its JSON twin")
    for failure in failures:
        print(failure, file=sys.stderr)
    if failures:
        return 1
    values = {s for template in expected.values() for s in strings(template)}
    awkward = {"No", "yes", "1_000", "1:20", "2001-12-14", "=", ": ", "#", "- x", "~", "null"} & values
    print(f"YAML round trip: {len(expected)} templates, {len(values)} distinct strings "
          f"({len(awkward)} of the awkward ones among them) read back identical with PyYAML and the AWS CLI")
    return 0


if __name__ == "__main__":
    sys.exit(main())
