/** GraphQL documents for signing up, in and out. */
const USER_FIELDS = 'id username displayName email isAdmin';

export const ME = `query Me { me { ${USER_FIELDS} } }`;

export const SIGN_UP = `mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token expiresAt user { ${USER_FIELDS} } }
}`;

export const LOG_IN = `mutation LogIn($input: LogInInput!) {
  logIn(input: $input) { token expiresAt user { ${USER_FIELDS} } }
}`;

export const LOG_OUT = `mutation LogOut { logOut }`;
