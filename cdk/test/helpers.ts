// Shared by the unit and contract tests: a placeholder binary for synthesis, the synthesized template's
// resources, and template.yaml read as CloudFormation reads it (short-form intrinsics included).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as YAML from 'yaml';

export type Resource = {
  Type: string;
  Properties: Record<string, any>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

/** The repository root (this file runs from cdk/.test-out/). */
export const REPOSITORY = path.resolve(__dirname, '..', '..');

let codeDir: string | undefined;
/** A directory with a placeholder `bootstrap`: synthesis packages the code, it never runs it. */
export function placeholderCode(): lambda.Code {
  if (codeDir === undefined) {
    codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-connect-user-code-'));
    fs.writeFileSync(path.join(codeDir, 'bootstrap'), '#!/bin/sh\n# placeholder: synth only\n', { mode: 0o755 });
    process.on('exit', () => fs.rmSync(codeDir!, { recursive: true, force: true }));
  }
  return lambda.Code.fromAsset(codeDir);
}

export function resourcesOf(stack: Stack): Record<string, Resource> {
  return Template.fromStack(stack).toJSON().Resources;
}

/** The one resource of this type (and matching `predicate`), with its logical id. */
export function only(
  resources: Record<string, Resource>,
  type: string,
  predicate: (id: string, r: Resource) => boolean = () => true,
): [string, Resource] {
  const found = Object.entries(resources).filter(([id, r]) => r.Type === type && predicate(id, r));
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  }
  return found[0];
}

const INTRINSICS: Record<string, string> = {
  Ref: 'Ref',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  Join: 'Fn::Join',
  Split: 'Fn::Split',
  If: 'Fn::If',
  Not: 'Fn::Not',
  Equals: 'Fn::Equals',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Select: 'Fn::Select',
  ImportValue: 'Fn::ImportValue',
  FindInMap: 'Fn::FindInMap',
  Condition: 'Condition',
};

/** template.yaml (or another CloudFormation YAML file of the repository), short-form tags as their long forms. */
export function readCloudFormationYaml(relative: string): Record<string, any> {
  const customTags = Object.entries(INTRINSICS).flatMap(([short, long]) => [
    { tag: `!${short}`, resolve: (s: string) => ({ [long]: short === 'GetAtt' ? s.split('.') : s }) },
    { tag: `!${short}`, collection: 'seq' as const, resolve: (seq: any) => ({ [long]: seq.toJSON() }) },
    { tag: `!${short}`, collection: 'map' as const, resolve: (map: any) => ({ [long]: map.toJSON() }) },
  ]);
  return YAML.parse(fs.readFileSync(path.join(REPOSITORY, relative), 'utf8'), { customTags });
}

/**
 * Evaluates the intrinsics that template.yaml's IAM policy uses, with the given parameter values and every
 * condition true: enough to compare its statements with the construct's. `Fn::GetAtt` becomes `GetAtt:<id>.<attr>`.
 */
export function evaluate(node: any, parameters: Record<string, string | string[]>): any {
  if (Array.isArray(node)) {
    return node.map((n) => evaluate(n, parameters)).filter((n) => n !== NO_VALUE);
  }
  if (node === null || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = node[key];
    switch (key) {
      case 'Ref':
        if (arg === 'AWS::NoValue') return NO_VALUE;
        if (!(arg in parameters)) throw new Error(`no value for Ref ${arg}`);
        return parameters[arg];
      case 'Fn::Join': {
        const [separator, list] = arg;
        return (evaluate(list, parameters) as any[]).flat().join(separator);
      }
      case 'Fn::Split': {
        const [separator, source] = arg;
        return String(evaluate(source, parameters)).split(separator);
      }
      case 'Fn::If':
        return evaluate(arg[1], parameters);
      case 'Fn::GetAtt':
        return `GetAtt:${arg.join('.')}`;
      case 'Fn::Sub':
        return String(arg).replace(/\$\{([^}]+)\}/g, (_, name: string) => String(parameters[name] ?? `\${${name}}`));
    }
  }
  return Object.fromEntries(
    Object.entries(node)
      .map(([k, v]) => [k, evaluate(v, parameters)] as const)
      .filter(([, v]) => v !== NO_VALUE),
  );
}
const NO_VALUE = Symbol('AWS::NoValue');

/** The statements of every policy attached to this role, with `Action` and `Resource` as sorted lists. */
export function statementsOfRole(resources: Record<string, Resource>, roleId: string): Record<string, any>[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[])
    .map(normalized);
}

export function normalized(statement: Record<string, any>): Record<string, any> {
  return {
    ...statement,
    Action: [statement.Action].flat().sort(),
    Resource: [statement.Resource].flat().map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).sort(),
  };
}
