//! CloudFront signed URLs and signed cookies: policies, signatures, CloudFront's URL-safe
//! base64, and verification as the edge does it (cloudfront.md §5).

mod keys;
mod policy;
pub mod spec;
mod url;

pub use keys::{Hash, KeyError, PrivateKey, PublicKey};
pub use policy::{resource_matches, Cidr, Policy};
pub use spec::{Carrier, KeyGroupSpec, KeyRefs, PublicKeySpec, SignedSpec, Signer, SigningSpec};
pub use url::{
    check_conditions, decode, encode, sign_cookies, sign_url, verify, Denied, Grant, Presented,
};
