/* setupFilesAfterEach for int/e2e suites: real servers and child processes need more than Jest's 5 s. */
jest.setTimeout(Number(process.env.TEST_TIMEOUT_MS ?? 180_000));
