// The reference Cognito client, AWS's amazon-cognito-identity-js, logging in with
// USER_SRP_AUTH: `node login.mjs <endpoint> <poolId> <clientId> <user> <password> [times]`.
// Prints one JSON line per login, {"ok":true,"idToken":...} or {"ok":false,"code":...,
// "message":...}, and exits 0 when the script itself worked (whatever the logins gave).
// `times` (default 1) logins run one after the other, each with a fresh random SRP `a`.
import cognito from 'amazon-cognito-identity-js';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

const [endpoint, poolId, clientId, user, password, timesArg] = process.argv.slice(2);
if (!password) {
  console.error('usage: node login.mjs <endpoint> <poolId> <clientId> <user> <password> [times]');
  process.exit(2);
}
const times = Number(timesArg ?? '1');

function login() {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
  const cognitoUser = new CognitoUser({ Username: user, Pool: pool });
  cognitoUser.setAuthenticationFlowType('USER_SRP_AUTH');
  const details = new AuthenticationDetails({ Username: user, Password: password });
  return new Promise((resolve) => {
    cognitoUser.authenticateUser(details, {
      onSuccess: (session) => resolve({ ok: true, idToken: session.getIdToken().getJwtToken() }),
      onFailure: (err) => resolve({ ok: false, code: err.code ?? err.name, message: err.message }),
      newPasswordRequired: () => resolve({ ok: false, code: 'NEW_PASSWORD_REQUIRED', message: '' }),
      mfaRequired: () => resolve({ ok: false, code: 'SMS_MFA', message: '' }),
      totpRequired: () => resolve({ ok: false, code: 'SOFTWARE_TOKEN_MFA', message: '' }),
    });
  });
}

for (let i = 0; i < times; i++) {
  console.log(JSON.stringify(await login()));
}
