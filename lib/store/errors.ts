import { DependencyUnavailable } from '../platform/aws-errors';

/** findUserBy matched no user. */
export class NoResultFound extends Error {
  override name = 'NoResultFound';
}

/** findUserBy was asked for an attribute the model does not have, or for a scan. */
export class InvalidRequestError extends Error {
  override name = 'InvalidRequestError';
}

/** updateUser was given an attribute the model does not have, or one it may not change. */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** The email belongs to another user already. */
export class DuplicateEmailError extends Error {
  override name = 'DuplicateEmailError';
}

/** A conditional update found the user changed since it was read (a lost race). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** DynamoDB failed, timed out or throttled: the request may be retried later. */
export class StoreUnavailable extends DependencyUnavailable {}
