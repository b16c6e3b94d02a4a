import { referenceBackend } from '@quantkit/quant-core';
import { defineBackendSuite } from '../src/index.js';

// The reference proves the suite and the checked-in corpus agree with it (10 million differential elements included).
defineBackendSuite({ name: 'reference', create: () => referenceBackend });
