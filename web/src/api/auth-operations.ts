/** GraphQL documents for signing up, in and out. */
import { document } from './document';
import type {
  LogInMutation,
  LogInMutationVariables,
  LogOutMutation,
  LogOutMutationVariables,
  MeQuery,
  MeQueryVariables,
  SignUpMutation,
  SignUpMutationVariables,
} from './generated';

const USER_FIELDS = /* GraphQL */ `fragment UserFields on User { id username displayName email isAdmin }`;

export const ME = document<MeQuery, MeQueryVariables>(
  /* GraphQL */ `query Me { me { ...UserFields } } ${USER_FIELDS}`,
);

export const SIGN_UP = document<SignUpMutation, SignUpMutationVariables>(
  /* GraphQL */ `mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token expiresAt user { ...UserFields } }
} ${USER_FIELDS}`,
);

export const LOG_IN = document<LogInMutation, LogInMutationVariables>(
  /* GraphQL */ `mutation LogIn($input: LogInInput!) {
  logIn(input: $input) { token expiresAt user { ...UserFields } }
} ${USER_FIELDS}`,
);

export const LOG_OUT = document<LogOutMutation, LogOutMutationVariables>(
  /* GraphQL */ `mutation LogOut { logOut }`,
);
