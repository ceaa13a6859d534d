//! Whether an instance is within reach of this function's role (docs/real-connect.md §6): an instance of another
//! account or partition than the function's own cannot work, so it is refused before any call, naming both. The
//! function's own account and partition come from its ARN, which the runtime passes with each invocation; when it
//! is not known, nothing is refused. Regions are no obstacle: calls go to the instance's region.

use super::arn::{ArnHead, InstanceArn};

/// Where this function runs: the partition and account of its own ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    partition: String,
    account: String,
}

impl Home {
    /// Reads `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`; `None` for anything else.
    pub fn from_function_arn(arn: &str) -> Option<Self> {
        let head = ArnHead::split(arn).filter(|h| h.service == "lambda")?;
        let name = head.resource.strip_prefix("function:")?;
        (!name.is_empty()).then(|| Self { partition: head.partition.to_owned(), account: head.account.to_owned() })
    }

    /// The function's partition, e.g. `aws`.
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The function's account.
    pub fn account(&self) -> &str {
        &self.account
    }
}

/// Why an instance is out of the function's reach. Displays as the predicate of a sentence whose subject is the
/// property or user it is about (`InstanceArn is in account …`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutOfReach {
    /// Another partition: no role of one partition can act in another.
    #[error(
        "is in partition {instance}, but this function runs in partition {function}: a function cannot manage \
         Amazon Connect users of another partition; deploy the function in partition {instance}"
    )]
    Partition {
        /// The instance's partition.
        instance: String,
        /// The function's partition.
        function: String,
    },
    /// Another account: the function's role has no permissions there.
    #[error(
        "is in account {instance}, but this function runs in account {function}: its role cannot manage Amazon \
         Connect users of another account; deploy the function in account {instance}"
    )]
    Account {
        /// The instance's account.
        instance: String,
        /// The function's account.
        function: String,
    },
}

/// Whether the function running at `home` can manage users of `instance`.
pub fn check(home: &Home, instance: &InstanceArn) -> Result<(), OutOfReach> {
    if instance.partition() != home.partition {
        return Err(OutOfReach::Partition {
            instance: instance.partition().to_owned(),
            function: home.partition.clone(),
        });
    }
    if instance.account() != home.account {
        return Err(OutOfReach::Account { instance: instance.account().to_owned(), function: home.account.clone() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(arn: &str) -> InstanceArn {
        InstanceArn::parse(arn).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_home_is_read_from_function_arns_with_or_without_a_qualifier() {
        for arn in [
            "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user",
            "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user:live",
        ] {
            let home = Home::from_function_arn(arn);
            assert_eq!(home.as_ref().map(|h| (h.partition(), h.account())), Some(("aws", "123456789012")), "{arn}");
        }
        for bad in ["", "arn:aws:lambda:us-east-1:12345:function:f", "arn:aws:s3:::bucket", "not an arn"] {
            assert_eq!(Home::from_function_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_the_functions_own_account_and_partition_are_in_reach() {
        let Some(home) = Home::from_function_arn("arn:aws:lambda:us-east-1:123456789012:function:f") else {
            panic!("home")
        };
        // Another region of the same account is fine: calls go to the instance's region.
        assert_eq!(check(&home, &instance("arn:aws:connect:eu-west-2:123456789012:instance/i-1")), Ok(()));
        let other_account = check(&home, &instance("arn:aws:connect:us-east-1:210987654321:instance/i-1"));
        assert_eq!(
            other_account,
            Err(OutOfReach::Account { instance: "210987654321".into(), function: "123456789012".into() })
        );
        let other_partition = check(&home, &instance("arn:aws-cn:connect:cn-north-1:123456789012:instance/i-1"));
        let Err(e) = other_partition else { panic!("accepted") };
        assert!(e.to_string().starts_with("is in partition aws-cn, but this function runs in partition aws"), "{e}");
    }
}
