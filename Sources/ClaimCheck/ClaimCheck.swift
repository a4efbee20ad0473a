/// The property-based engine: choices, generators, shrinking, fixtures,
/// statistics, campaigns and the report model. It knows nothing of BGMD.
public enum ClaimCheck {}
