/**
 * Registers every native builder. Imported by the realiser (after the registry module has
 * loaded, so the registrations find it initialised).
 */
import './trivial';
import '../../oci/builder';
