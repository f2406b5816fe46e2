//! The limits a GraphQL request runs within: page sizes of every list, and the depth, cost and
//! running time of one query. The server reads them from its configuration.

use std::time::Duration;

/// Page size limits of every list (cursor connection).
#[derive(Clone, Copy, Debug)]
pub struct PageLimits {
    pub default: usize,
    pub max: usize,
}

impl Default for PageLimits {
    fn default() -> Self {
        Self {
            default: 50,
            max: 500,
        }
    }
}

/// Limits on the shape and running time of a GraphQL query, so one request cannot ask for
/// unbounded work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryLimits {
    pub max_depth: usize,
    /// Static cost: each field 1, expensive fields more (see the `complexity` of evaluations).
    pub max_complexity: usize,
    /// Time limit of one request.
    pub timeout: Duration,
    /// Time limit of a request for a national overview (dashboard, ranking, time series).
    pub national_timeout: Duration,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_complexity: 5_000,
            timeout: Duration::from_secs(5),
            national_timeout: Duration::from_secs(30),
        }
    }
}
