// The CDK app: one env-agnostic stack, so `cdk synth` needs no AWS account.
// The function's code comes from `-c providerCodePath=<dir>`, else CFN_CONNECT_USER_CODE, else
// ../../target/lambda/cfn-connect-user (what `cargo lambda build --release --arm64` writes at the repository root).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConnectUsersStack } from '../lib/connect-users-stack';

const app = new App();
const configured: string =
  app.node.tryGetContext('providerCodePath') ?? process.env.CFN_CONNECT_USER_CODE ?? '../../target/lambda/cfn-connect-user';
const providerCodePath = path.resolve(process.cwd(), configured);
if (!fs.existsSync(path.join(providerCodePath, 'bootstrap'))) {
  console.error(
    `no bootstrap binary in ${providerCodePath}: run \`cargo lambda build --release --arm64\` at the repository root, ` +
      'or pass -c providerCodePath=<dir with bootstrap> (or set CFN_CONNECT_USER_CODE)',
  );
  process.exit(1);
}

new ConnectUsersStack(app, 'ConnectUsersExample', {
  providerCodePath,
  description: 'Custom::ConnectUser example: one user through a plain CustomResource, one through custom_resources.Provider',
});
app.synth();
