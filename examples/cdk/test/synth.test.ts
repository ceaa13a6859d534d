// Synthesizes the example stack (with a placeholder binary, so no Rust build is needed) and checks the
// template: the users' type and properties, how each one reaches the function, and the IAM they get.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConnectUser } from 'cfn-connect-user-cdk';
import { ConnectUsersStack } from '../lib/connect-users-stack';

type Resource = { Type: string; Properties: Record<string, any> };
const RESOURCE_TYPE = ConnectUser.RESOURCE_TYPE;

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
  const roleOf = (fnId: string): string => resources[fnId].Properties.Role['Fn::GetAtt'][0];
  const statementsOfRole = (roleId: string) =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[]);
  // The two functions of the example (ours, not the framework's): <provider id>Function….
  const directId = () => functionIds('ConnectUsersFunction')[0];
  const onEventId = () => functionIds('ConnectUsersViaFrameworkFunction')[0];

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

  it('sends the AWS::Connect::User properties under their own names', () => {
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

  it('wires John straight to the function, which answers CloudFormation itself', () => {
    assert.ok(directId(), 'the DIRECT provider function exists');
    assert.deepEqual(userNamed('john.doe').Properties.ServiceToken, { 'Fn::GetAtt': [directId(), 'Arn'] });
    const fn = resources[directId()].Properties;
    assert.equal(fn.Environment?.Variables?.RESPONSE_MODE, undefined);
    assert.equal(fn.Runtime, 'provided.al2023');
    assert.deepEqual(fn.Architectures, ['arm64']);
    assert.equal(fn.Handler, 'bootstrap');
    assert.equal(fn.LoggingConfig.LogFormat, 'JSON');
  });

  it('wires Jane to the framework, whose onEvent calls our function with RESPONSE_MODE=return', () => {
    const token = userNamed('jane.roe').Properties.ServiceToken;
    const frameworkId: string = token['Fn::GetAtt'][0];
    assert.equal(token['Fn::GetAtt'][1], 'Arn');
    assert.match(frameworkId, /frameworkonEvent/, 'the service token is the Provider framework function');
    assert.ok(onEventId(), 'the FRAMEWORK provider function exists');
    const framework = resources[frameworkId].Properties;
    assert.deepEqual(framework.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN, { 'Fn::GetAtt': [onEventId(), 'Arn'] });
    const onEvent = resources[onEventId()].Properties;
    assert.equal(onEvent.Environment.Variables.RESPONSE_MODE, 'return');
    assert.equal(onEvent.Runtime, 'provided.al2023');
    assert.equal(onEvent.Handler, 'bootstrap');
  });

  it('grants each function only Connect user actions, scoped to the instance, as template.yaml does', () => {
    // A traffic distribution group's ARN names no instance: those statements name the account's groups instead.
    const accountGroups = {
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':connect:*:', { Ref: 'AWS::AccountId' }, ':traffic-distribution-group/*'],
      ],
    };
    const groupStatements = ['ReadTrafficDistributionGroups', 'AssignTrafficDistributionGroups'];
    // template.yaml's statements, read as text: each `- Sid:` up to the next one, its connect: actions.
    const sam = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'template.yaml'), 'utf8');
    const samStatements = Object.fromEntries(
      sam
        .split(/^\s*- Sid: /m)
        .slice(1)
        .map((chunk) => [chunk.split(/\s/)[0], [...chunk.matchAll(/connect:\w+/g)].map((m) => m[0]).sort()]),
    );
    for (const fnId of [directId(), onEventId()]) {
      const statements = statementsOfRole(roleOf(fnId)).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('connect:')),
      );
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, [s.Action].flat().sort()]));
      assert.deepEqual(bySid, samStatements, fnId);
      for (const s of statements) {
        for (const action of [s.Action].flat()) assert.doesNotMatch(action, /\*/, `wildcard action ${action}`);
        for (const resource of [s.Resource].flat()) {
          assert.notEqual(resource, '*', `unscoped ${s.Sid}`);
          if (groupStatements.includes(s.Sid) && JSON.stringify(resource) === JSON.stringify(accountGroups)) continue;
          assert.match(JSON.stringify(resource), /"Ref":"InstanceArn"/, `${s.Sid} is scoped to the instance`);
        }
      }
    }
  });

  it('lets each function write only to its own log group, with no managed policy', () => {
    for (const fnId of [directId(), onEventId()]) {
      const role = resources[roleOf(fnId)].Properties;
      assert.equal(role.ManagedPolicyArns, undefined, 'no AWSLambdaBasicExecutionRole: it may write to any group');
      const logs = statementsOfRole(roleOf(fnId)).filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
      assert.equal(logs.length, 1);
      assert.deepEqual(logs[0].Resource, {
        'Fn::GetAtt': [resources[fnId].Properties.LoggingConfig.LogGroup.Ref, 'Arn'],
      });
    }
  });

  it('gives Jane a generated secret as PasswordSecretArn, never a Password', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const secretId = logicalIdOf('AWS::SecretsManager::Secret', () => true);
    const generated = resources[secretId].Properties.GenerateSecretString;
    assert.equal(generated.GenerateStringKey, 'password');
    assert.deepEqual(JSON.parse(generated.SecretStringTemplate), { username: 'jane.roe' });
    assert.ok(generated.PasswordLength >= 8 && generated.PasswordLength <= 64, "within Connect's password length");
    assert.equal(generated.RequireEachIncludedType, true, 'upper and lower case and a digit, as Connect requires');
    for (const excluded of ['ExcludeUppercase', 'ExcludeLowercase', 'ExcludeNumbers', 'IncludeSpace']) {
      assert.notEqual(generated[excluded], true, excluded);
    }
    const jane = userNamed('jane.roe').Properties;
    assert.deepEqual(jane.PasswordSecretArn, { Ref: secretId }, 'Ref of a secret is its full ARN');
    assert.equal(jane.PasswordSecretJsonKey, 'password');
    assert.equal(jane.Password, undefined, 'Password and PasswordSecretArn exclude each other');
  });

  it('lets only the function that creates Jane read her secret, with GetSecretValue alone', () => {
    const secretId = logicalIdOf('AWS::SecretsManager::Secret', () => true);
    const secretStatements = (fnId: string) =>
      statementsOfRole(roleOf(fnId)).filter((s) =>
        [s.Action].flat().some((a: string) => a.startsWith('secretsmanager:') || a.startsWith('kms:')),
      );
    const granted = secretStatements(onEventId());
    assert.equal(granted.length, 1, JSON.stringify(granted));
    assert.equal(granted[0].Action, 'secretsmanager:GetSecretValue');
    assert.deepEqual(granted[0].Resource, { Ref: secretId });
    assert.deepEqual(secretStatements(directId()), [], 'the other function reads no secret');
  });
});
