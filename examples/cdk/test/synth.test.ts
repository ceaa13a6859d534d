// Synthesizes the example stack (with a placeholder binary, so no Rust build is needed) and checks the
// template: the users' type and properties, and how each one reaches the function.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  ConnectUsersStack,
  RESOURCE_TYPE,
  connectUserPolicyStatements,
  passwordSecretPolicyStatements,
} from '../lib/connect-users-stack';

type Resource = { Type: string; Properties: Record<string, any> };

describe('ConnectUsersStack', () => {
  let codeDir: string;
  let template: Template;
  let resources: Record<string, Resource>;

  const logicalIdOf = (type: string, predicate: (r: Resource) => boolean): string => {
    const ids = Object.entries(resources)
      .filter(([, r]) => r.Type === type && predicate(r))
      .map(([id]) => id);
    assert.equal(ids.length, 1, `expected one ${type} matching, found ${JSON.stringify(ids)}`);
    return ids[0];
  };
  const userNamed = (username: string) =>
    resources[logicalIdOf(RESOURCE_TYPE, (r) => r.Properties.Username === username)];
  const functionIds = (prefix: string) =>
    Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Function' && id.startsWith(prefix));

  before(() => {
    codeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-connect-user-code-'));
    fs.writeFileSync(path.join(codeDir, 'bootstrap'), '#!/bin/sh\n# placeholder: synth only\n', { mode: 0o755 });
    const app = new App();
    const stack = new ConnectUsersStack(app, 'Test', { providerCodePath: codeDir });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  after(() => fs.rmSync(codeDir, { recursive: true, force: true }));

  it('declares both users as Custom::ConnectUser and nothing as AWS::CloudFormation::CustomResource', () => {
    template.resourceCountIs(RESOURCE_TYPE, 2);
    template.resourceCountIs('AWS::CloudFormation::CustomResource', 0);
  });

  it('passes the AWS::Connect::User properties through unchanged', () => {
    const john = userNamed('john.doe').Properties;
    assert.deepEqual(john.InstanceArn, { Ref: 'InstanceArn' });
    assert.deepEqual(john.Password, { Ref: 'UserPassword' });
    assert.deepEqual(john.RoutingProfileArn, { Ref: 'RoutingProfileArn' });
    assert.deepEqual(john.SecurityProfileArns, [{ Ref: 'SecurityProfileArn' }]);
    assert.deepEqual(john.IdentityInfo, { FirstName: 'John', LastName: 'Doe', Email: 'john.doe@example.com' });
    assert.deepEqual(john.PhoneConfig, { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 120 });
    assert.deepEqual(john.Tags, [{ Key: 'team', Value: 'support' }]);
    assert.equal(String(john.ServiceTimeout), '300');
    const allowed = new Set([
      'ServiceToken',
      'ServiceTimeout',
      'InstanceArn',
      'Username',
      'Password',
      'PasswordSecretArn',
      'PasswordSecretJsonKey',
      'IdentityInfo',
      'PhoneConfig',
      'RoutingProfileArn',
      'SecurityProfileArns',
      'Tags',
    ]);
    for (const user of [john, userNamed('jane.roe').Properties]) {
      for (const key of Object.keys(user)) assert.ok(allowed.has(key), `unexpected property ${key}`);
    }
  });

  it('wires the plain CustomResource straight to the function, which answers CloudFormation itself', () => {
    const [fnId] = functionIds('ConnectUserFunction');
    assert.ok(fnId, 'ConnectUserFunction exists');
    assert.deepEqual(userNamed('john.doe').Properties.ServiceToken, { 'Fn::GetAtt': [fnId, 'Arn'] });
    const fn = resources[fnId].Properties;
    assert.equal(fn.Environment?.Variables?.RESPONSE_MODE, undefined);
    assert.equal(fn.Runtime, 'provided.al2023');
    assert.deepEqual(fn.Architectures, ['arm64']);
    assert.equal(fn.Handler, 'bootstrap');
    assert.equal(fn.LoggingConfig.LogFormat, 'JSON');
  });

  it('wires the Provider user to the framework, whose onEvent calls our function with RESPONSE_MODE=return', () => {
    const token = userNamed('jane.roe').Properties.ServiceToken;
    const frameworkId: string = token['Fn::GetAtt'][0];
    assert.equal(token['Fn::GetAtt'][1], 'Arn');
    assert.match(frameworkId, /frameworkonEvent/, 'the service token is the Provider framework function');
    const [onEventId] = functionIds('ConnectUserOnEventFunction');
    assert.ok(onEventId, 'ConnectUserOnEventFunction exists');
    const framework = resources[frameworkId].Properties;
    assert.deepEqual(framework.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN, { 'Fn::GetAtt': [onEventId, 'Arn'] });
    const onEvent = resources[onEventId].Properties;
    assert.equal(onEvent.Environment.Variables.RESPONSE_MODE, 'return');
    assert.equal(onEvent.Runtime, 'provided.al2023');
    assert.equal(onEvent.Handler, 'bootstrap');
  });

  it('grants the functions only Connect user actions, scoped to the instance', () => {
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const connectStatements = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[])
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('connect:')));
    assert.equal(connectStatements.length, 2 * 8, 'eight statements for each of the two functions');
    for (const s of connectStatements) {
      for (const action of [s.Action].flat()) assert.doesNotMatch(action, /\*/, `wildcard action ${action}`);
      for (const resource of [s.Resource].flat()) assert.notEqual(resource, '*', `unscoped ${s.Sid}`);
    }
    const actions = new Set(connectStatements.flatMap((s) => [s.Action].flat()));
    for (const a of ['connect:CreateUser', 'connect:DeleteUser', 'connect:UpdateUserConfig', 'connect:TagResource']) {
      assert.ok(actions.has(a), `missing ${a}`);
    }
    assert.ok(actions.has('connect:DescribeInstance'), 'the identity-management type is read');
    assert.ok(!actions.has('connect:UpdateUserPhoneConfig'), 'it would rewrite every channel: never called');
  });

  it('grants the same Connect actions, statement by statement, as template.yaml', () => {
    // template.yaml's statements, read as text: each `- Sid:` up to the next one, its connect: actions.
    const sam = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'template.yaml'), 'utf8');
    const samStatements = Object.fromEntries(
      sam
        .split(/^\s*- Sid: /m)
        .slice(1)
        .map((chunk) => [chunk.split(/\s/)[0], [...chunk.matchAll(/connect:\w+/g)].map((m) => m[0]).sort()]),
    );
    const cdkStatements = Object.fromEntries(
      connectUserPolicyStatements(['arn:aws:connect:eu-west-1:111122223333:instance/x']).map((s) => {
        const json = s.toStatementJson();
        return [json.Sid, [json.Action].flat().sort()];
      }),
    );
    assert.deepEqual(cdkStatements, samStatements);
  });

  it('gives the provider-mode user a generated secret as PasswordSecretArn, never a Password', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const secretId = logicalIdOf('AWS::SecretsManager::Secret', () => true);
    const generated = resources[secretId].Properties.GenerateSecretString;
    assert.equal(generated.GenerateStringKey, 'password');
    assert.deepEqual(JSON.parse(generated.SecretStringTemplate), { username: 'jane.roe' });
    assert.ok(generated.PasswordLength >= 8 && generated.PasswordLength <= 64, 'within Connect\'s password length');
    assert.equal(generated.RequireEachIncludedType, true, 'upper and lower case and a digit, as Connect requires');
    for (const excluded of ['ExcludeUppercase', 'ExcludeLowercase', 'ExcludeNumbers', 'IncludeSpace']) {
      assert.notEqual(generated[excluded], true, excluded);
    }
    const jane = userNamed('jane.roe').Properties;
    assert.deepEqual(jane.PasswordSecretArn, { Ref: secretId }, 'Ref of a secret is its full ARN');
    assert.equal(jane.PasswordSecretJsonKey, 'password');
    assert.equal(jane.Password, undefined, 'Password and PasswordSecretArn exclude each other');
  });

  it('lets only the function that creates that user read its secret, with GetSecretValue alone', () => {
    const secretId = logicalIdOf('AWS::SecretsManager::Secret', () => true);
    const roleOf = (fnId: string) => resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const statementsOfRole = (roleId: string) =>
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[]);
    const secretStatements = (fnId: string) =>
      statementsOfRole(roleOf(fnId)).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('secretsmanager:') || a.startsWith('kms:')),
      );
    const [onEventId] = functionIds('ConnectUserOnEventFunction');
    const [directId] = functionIds('ConnectUserFunction');
    const granted = secretStatements(onEventId);
    assert.equal(granted.length, 1, JSON.stringify(granted));
    assert.equal(granted[0].Sid, 'ReadPasswordSecrets');
    assert.equal(granted[0].Action, 'secretsmanager:GetSecretValue');
    assert.deepEqual(granted[0].Resource, { Ref: secretId });
    assert.deepEqual(secretStatements(directId), [], 'the other function reads no secret');
  });

  it('grants the same Secrets Manager and KMS actions, statement by statement, as template.yaml', () => {
    // template.yaml's password-secrets policy, read as text: each `Sid: …PasswordSecrets` up to the next Sid or
    // the end of the policy, and the secretsmanager:/kms: actions of its `Action:` (inline or as a list).
    const sam = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'template.yaml'), 'utf8');
    const actionsOf = (chunk: string) =>
      [...chunk.matchAll(/Action:(?: [\w:]+|(?:\n\s*- [\w:]+)+)/g)]
        .flatMap((m) => [...m[0].matchAll(/\b(?:secretsmanager|kms):\w+/g)].map((a) => a[0]))
        .sort();
    const samStatements = Object.fromEntries(
      [...sam.matchAll(/^\s*Sid: (\w*PasswordSecrets)\n([\s\S]*?)(?=^\s*(?:- )?Sid: |^\s*- !Ref AWS::NoValue)/gm)].map(
        (m) => [m[1], actionsOf(m[2])],
      ),
    );
    const cdkStatements = Object.fromEntries(
      passwordSecretPolicyStatements(
        ['arn:aws:secretsmanager:eu-west-1:111122223333:secret:x'],
        ['arn:aws:kms:eu-west-1:111122223333:key/k'],
      ).map((s) => {
        const json = s.toStatementJson();
        return [json.Sid, [json.Action].flat().sort()];
      }),
    );
    assert.deepEqual(cdkStatements, samStatements);
    assert.deepEqual(Object.keys(samStatements).sort(), ['DecryptPasswordSecrets', 'ReadPasswordSecrets']);
    const decrypt = passwordSecretPolicyStatements(['s'], ['k'])[1].toStatementJson();
    assert.deepEqual(decrypt.Condition, { StringLike: { 'kms:ViaService': 'secretsmanager.*.amazonaws.com' } });
    assert.match(sam, /kms:ViaService: secretsmanager\.\*\.amazonaws\.com/);
  });
});
