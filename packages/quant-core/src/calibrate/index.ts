/** Calibration (range estimation), streaming observers and error analysis (docs/CALIBRATION.md). */
export { createAnalysis } from './analyze.js';
export type { Analyze, AnalysisCandidate, AnalysisGrid, AnalysisOptions, AnalysisRow, CalibratorLike } from './analyze.js';
export { calibrateGroups, calibrateRange, calibrateValues } from './calibrators.js';
export type { CalibrateRangeOptions, CalibrationTarget, GroupContext, GroupPlan } from './calibrators.js';
export { absHistogram, histogram } from './histogram.js';
export type { HistogramCounts } from './histogram.js';
export { createObserver, observerFromJSON } from './observers.js';
export type { ObservedRange, Observer, ObserverJSON, ObserverMethod, ObserverOptions, ObserverQParams, ObserverQParamsOptions, ObserverRangeOptions } from './observers.js';
export { runSearch } from './search.js';
export type { SearchRequest, SearchResult, SearchResults } from './search.js';
export { BIN_LIMITS, CALIBRATION_METHODS, formatCalibration, parseCalibration, resolveCalibration } from './spec.js';
export type { CalibrationMethod, CalibrationSpec, ResolvedCalibration } from './spec.js';
