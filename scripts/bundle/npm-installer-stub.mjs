// Stands in, inside the bundled bin only, for the modules yeoman-environment uses to install
// generators from npm (fly-import's @npmcli/arborist and registry-auth-token). The bin runs only
// this package's own generators, so they are never called; if they ever were, this says why.
export default function notBundled() {
  throw new Error('installing generators from npm is not part of the flyte-pipeline command; use `yo` for that');
}
