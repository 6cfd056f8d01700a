// A job's timeline in words a publisher understands (not driver internals such as
// "driver: volumes-configuring"); the driver's cause stays available as a detail.
import type { JobStatus } from '../../../engine/console-api/contract'

export const JOB_STAGE_WORDS: Readonly<Record<JobStatus, string>> = {
  0: 'Accepted and starting',
  1: 'Waiting in the queue',
  2: 'Gave up waiting in the queue',
  10: 'Downloading the algorithm image',
  11: 'Could not download the algorithm image',
  12: 'Building the algorithm image',
  13: 'Could not build the algorithm image',
  14: 'Refused: the algorithm image has known vulnerabilities',
  20: 'Preparing the sandbox',
  21: 'Could not prepare storage for the job',
  22: 'Could not create the sandbox',
  30: 'Fetching the dataset and algorithm',
  31: 'Could not fetch the dataset',
  32: 'Could not fetch the algorithm',
  33: 'Could not copy the data into the sandbox',
  40: 'Running the algorithm',
  41: 'The algorithm failed',
  42: 'The algorithm ran out of disk space',
  50: 'Filtering the results',
  60: 'Collecting the results',
  61: 'Could not collect the results',
  62: 'Could not store the results',
  70: 'Finished',
  71: 'Settling the payment',
}
