/** The plain entry point of the bundle: run the command with the process's arguments. */
import { run } from './main';
import './system-commands';

run(process.argv.slice(2));
