import { HttpException, HttpStatus } from '@nestjs/common';

export const PROBLEM_TYPE_BASE = 'https://tasknest.dev/problems/';

export interface ProblemFieldError {
  field: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  /** The last segment of the problem type URI, e.g. `email-taken`. */
  slug: string;
  title: string;
  detail: string;
  errors?: ProblemFieldError[];
  headers?: Record<string, string>;
}

/** An error whose RFC 9457 shape is decided where it is thrown; the filter writes it out. */
export class ApiProblem extends HttpException {
  constructor(readonly problem: ProblemInit) {
    super(problem.detail, problem.status);
  }

  static badRequest(slug: string, detail: string): ApiProblem {
    return new ApiProblem({ status: HttpStatus.BAD_REQUEST, slug, title: 'Bad request', detail });
  }

  static validation(errors: ProblemFieldError[], detail = 'The request is not valid.'): ApiProblem {
    return new ApiProblem({ status: HttpStatus.BAD_REQUEST, slug: 'validation-failed', title: 'Validation failed', detail, errors });
  }

  static unauthorized(detail = 'A valid access token is required.'): ApiProblem {
    return new ApiProblem({ status: HttpStatus.UNAUTHORIZED, slug: 'unauthorized', title: 'Unauthorized', detail });
  }

  static forbidden(slug: string, detail: string): ApiProblem {
    return new ApiProblem({ status: HttpStatus.FORBIDDEN, slug, title: 'Forbidden', detail });
  }

  static notFound(detail = 'The resource does not exist.'): ApiProblem {
    return new ApiProblem({ status: HttpStatus.NOT_FOUND, slug: 'not-found', title: 'Not found', detail });
  }

  static conflict(slug: string, detail: string): ApiProblem {
    return new ApiProblem({ status: HttpStatus.CONFLICT, slug, title: 'Conflict', detail });
  }

  static serviceUnavailable(detail: string, retryAfterSeconds: number): ApiProblem {
    return new ApiProblem({
      status: HttpStatus.SERVICE_UNAVAILABLE,
      slug: 'service-unavailable',
      title: 'Service unavailable',
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}
