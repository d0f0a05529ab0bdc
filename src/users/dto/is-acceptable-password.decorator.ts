import { ValidateBy, type ValidationOptions } from 'class-validator';
import { passwordProblem } from '../password-policy.js';

/** 8–128 characters (code points), not a common password. */
export const IsAcceptablePassword = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isAcceptablePassword',
      validator: {
        validate: (value: unknown) => passwordProblem(value) === null,
        defaultMessage: (args) => `${args?.property ?? 'password'} ${passwordProblem(args?.value) ?? 'is not acceptable'}`,
      },
    },
    options,
  );
