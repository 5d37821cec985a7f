import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/http';
import { errorMessage, fieldErrors } from './common';

describe('errorMessage and fieldErrors', () => {
  it("puts the service's message on the field it named", () => {
    const refusal = new ApiError(400, 'invalid_argument', 'password must have at least 12 characters, not 5', 'password');
    expect(errorMessage(refusal)).toBe('password must have at least 12 characters, not 5');
    expect(fieldErrors(refusal)).toEqual({ password: 'password must have at least 12 characters, not 5' });
  });

  it('leaves a refusal without a field to the notification', () => {
    expect(fieldErrors(new ApiError(409, 'conflict', "a tenant named 'x' already exists"))).toBeUndefined();
    expect(fieldErrors(new Error('offline'))).toBeUndefined();
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage({})).toBe('the request failed');
  });
});
