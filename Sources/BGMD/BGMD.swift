/// The reference implementation of Block Coordinate Geometric Median Descent
/// (Acharya et al., AISTATS 2022, arXiv 2106.08882) and its baselines.
public enum BGMDLibrary {}
