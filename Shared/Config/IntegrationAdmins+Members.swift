// Which of a tenant's users the integration admins are.

extension IntegrationAdmins {
    /// The tenant's users named in `users` or holding `role`, in directory order.
    public func members(of tenant: Tenant) -> [User] {
        tenant.users.filter { user in users.contains(user.id) || role.map(user.roles.contains) == true }
    }
}
