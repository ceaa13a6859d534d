// The CDK app: one env-agnostic stack, so `cdk synth` needs no AWS account.
// The function's code comes from `-c providerCodePath=<dir>`, else CFN_CONNECT_USER_CODE, else
// ../../target/lambda/cfn-connect-user when `cargo lambda build --release --arm64` has written it at the
// repository root, else the prebuilt package bundled in cfn-connect-user-cdk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConnectUsersStack } from '../lib/connect-users-stack';

const app = new App();
const configured: string | undefined = app.node.tryGetContext('providerCodePath') ?? process.env.CFN_CONNECT_USER_CODE;
const built = path.resolve(process.cwd(), '../../target/lambda/cfn-connect-user');
let providerCodePath: string | undefined;
if (configured !== undefined) {
  providerCodePath = path.resolve(process.cwd(), configured);
  if (!fs.existsSync(path.join(providerCodePath, 'bootstrap'))) {
    console.error(`no bootstrap binary in ${providerCodePath} (-c providerCodePath or CFN_CONNECT_USER_CODE)`);
    process.exit(1);
  }
} else if (fs.existsSync(path.join(built, 'bootstrap'))) {
  providerCodePath = built;
}

new ConnectUsersStack(app, 'ConnectUsersExample', {
  providerCodePath,
  description: 'Custom::ConnectUser example: one user through a DIRECT provider, one through custom_resources.Provider',
});
app.synth();
