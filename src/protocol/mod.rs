//! HTTP request methods and the per-path-class mix of them, and the viewer leg's protocols.

mod viewer;

pub use viewer::{
    handshake_rtts, slow_start_rounds, verdict, Distribution, DistributionSpec, Forbidden,
    HttpVersion, HttpVersions, ProtocolMix, ProtocolSampler, TlsVersion, Verdict, ViewerConn,
    ViewerProtocolPolicy, SECURITY_POLICIES,
};

use serde::{Deserialize, Serialize};

/// An HTTP request method, as CloudFront distinguishes them.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
#[repr(u8)]
pub enum Method {
    /// GET.
    #[default]
    Get,
    /// HEAD.
    Head,
    /// OPTIONS.
    Options,
    /// PUT.
    Put,
    /// POST.
    Post,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// All methods, in the order of [`MethodMix`]'s fields.
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Head,
        Method::Options,
        Method::Put,
        Method::Post,
        Method::Patch,
        Method::Delete,
    ];

    /// The method's name as it appears on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// The bit of this method in a [`MethodSet`].
    const fn bit(self) -> u8 {
        1 << self as u8
    }

    /// Whether an origin group may send it to the secondary (cloudfront.md §3.3 rule 5).
    pub fn fails_over(self) -> bool {
        matches!(self, Method::Get | Method::Head | Method::Options)
    }

    /// Whether the edge retries it after a read timeout (cloudfront.md §3.1).
    pub fn retries_read_timeout(self) -> bool {
        matches!(self, Method::Get | Method::Head)
    }

    /// Whether the response carries the object's body to the viewer.
    pub fn has_body(self) -> bool {
        self != Method::Head
    }

    /// Whether a request of this method carries a body to the origin.
    pub fn sends_body(self) -> bool {
        matches!(self, Method::Put | Method::Post | Method::Patch)
    }
}

/// A set of methods, as a bit mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MethodSet(u8);

impl MethodSet {
    /// GET and HEAD: CloudFront's read-only set.
    pub const READ: MethodSet = MethodSet(Method::Get.bit() | Method::Head.bit());
    /// GET, HEAD and OPTIONS.
    pub const READ_OPTIONS: MethodSet = MethodSet(MethodSet::READ.0 | Method::Options.bit());
    /// All seven methods.
    pub const ALL: MethodSet = MethodSet(0x7f);

    /// The set of `methods`.
    pub fn of(methods: &[Method]) -> MethodSet {
        MethodSet(methods.iter().fold(0, |acc, m| acc | m.bit()))
    }

    /// Whether `m` is in the set.
    #[inline]
    pub fn contains(self, m: Method) -> bool {
        self.0 & m.bit() != 0
    }

    /// Whether every method of `self` is in `other`.
    pub fn is_subset(self, other: MethodSet) -> bool {
        self.0 & !other.0 == 0
    }
}

/// Shares of each method in a path class's requests; they must sum to 1. A class that
/// gives no mix sends only GET; a mix that is given leaves unnamed methods at 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodMix {
    /// Share of GET.
    #[serde(default)]
    pub get: f64,
    /// Share of HEAD.
    #[serde(default)]
    pub head: f64,
    /// Share of OPTIONS.
    #[serde(default)]
    pub options: f64,
    /// Share of PUT.
    #[serde(default)]
    pub put: f64,
    /// Share of POST.
    #[serde(default)]
    pub post: f64,
    /// Share of PATCH.
    #[serde(default)]
    pub patch: f64,
    /// Share of DELETE.
    #[serde(default)]
    pub delete: f64,
}

impl Default for MethodMix {
    fn default() -> Self {
        MethodMix {
            get: 1.0,
            head: 0.0,
            options: 0.0,
            put: 0.0,
            post: 0.0,
            patch: 0.0,
            delete: 0.0,
        }
    }
}

impl MethodMix {
    /// The weights in [`Method::ALL`] order.
    pub fn weights(&self) -> [f64; 7] {
        [
            self.get,
            self.head,
            self.options,
            self.put,
            self.post,
            self.patch,
            self.delete,
        ]
    }
}
