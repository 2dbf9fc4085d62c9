// The create-input action's entry (its action.yml's runs.main): the bundle runs the action this folder names.
import '../index.js';
