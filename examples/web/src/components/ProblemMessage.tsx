import { useEffect, useState } from 'react';
import type { ShownProblem } from '../api/problem';

/** A problem the API answered, in words; for 429 the wait counts down. */
export function ProblemMessage({ problem }: { problem: ShownProblem | null }) {
  const [waitLeft, setWaitLeft] = useState<number | null>(problem?.retryAfterSeconds ?? null);
  useEffect(() => {
    setWaitLeft(problem?.retryAfterSeconds ?? null);
    if (problem?.retryAfterSeconds == null) return;
    const timer = setInterval(() => setWaitLeft((left) => (left !== null && left > 0 ? left - 1 : left)), 1000);
    return () => clearInterval(timer);
  }, [problem]);
  if (problem === null) return null;
  return (
    <div role="alert" className="problem">
      <strong>{problem.title}</strong>
      {problem.detail && <span> — {problem.detail}</span>}
      {problem.retryAfterSeconds !== null && (
        <div className="wait">
          Please wait {problem.retryAfterSeconds} s before trying again{waitLeft !== null && waitLeft > 0 ? ` (${waitLeft} s left).` : ': you can try again now.'}
        </div>
      )}
    </div>
  );
}

export function FieldError({ problem, field }: { problem: ShownProblem | null; field: string }) {
  const message = problem?.fields[field];
  return message ? (
    <span className="field-error" id={`${field}-error`}>
      {message}
    </span>
  ) : null;
}
