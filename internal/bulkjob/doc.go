// Package bulkjob is the background worker of the tab's bulk jobs: every
// replica runs one, and whichever holds a job's lease works on it, as the
// job's user (their delegated tokens, through the token broker's stored
// refresh tokens, as the monitor acts for them).
//
// Exactly once per confirmation: the job is made once per idempotency key
// (flowdeck.BulkJobStore.CreateBulkJob). At most once per run: before a
// run's upstream call the worker claims it (pending → working) with one
// conditional update that only one claim wins, and records the answer
// after (ok or failed). A replica that is closed stops claiming and waits
// for its calls in flight, so a restart loses nothing. A replica that dies
// between a claim and its answer leaves the run working; the next holder
// of the job's lease marks it unknown and never calls for it again, so no
// run is ever resubmitted twice, and the job's results tell the user which
// runs to check.
//
// A sign-in that died pauses the job: a run whose call fails because the
// user must sign in (or consent) again was not acted on — the failure comes
// from the token broker before the request is sent, or is Power Platform's
// 401, which means not applied — so it goes back to pending, no more runs
// are claimed, and the job is paused with a message that says so. The user
// signs in and resumes it (ops.Service.ResumeJob); a job not resumed within
// Options.PauseLimit (7 days) ends, its waiting runs failed. Finished jobs
// are deleted Options.Keep (30 days) after they finished, by the worker's
// sweep (once a tick at most, a bounded batch).
package bulkjob
