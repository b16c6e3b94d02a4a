/** The package version; backends report the version they were built for and the loader compares them. */
export const VERSION = '0.1.0';
