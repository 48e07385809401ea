import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import DeleteOutlinedIcon from '@mui/icons-material/DeleteOutlined';
import EditOutlinedIcon from '@mui/icons-material/EditOutlined';
import ForumOutlinedIcon from '@mui/icons-material/ForumOutlined';
import {
  useDeleteAdminUserMutation,
  useGetAdminUsersQuery,
  useUpdateAdminUserMutation,
} from '../../api/admin';
import { formErrors } from '../../api/errors';
import type { AdminUser, AdminUserUpdate } from '../../api/types';
import { formatDate, formatDateTime, personName } from '../../app/format';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { TableSearch } from './TableSearch';
import { useDeleteConfirmation } from './useDeleteConfirmation';
import { useTablePaging } from './useTablePaging';
import { AdminTable } from './AdminTable';

function EditUserDialog({
  user,
  self,
  onClose,
}: {
  user: AdminUser;
  self: boolean;
  onClose: () => void;
}) {
  const [form, setForm] = useState({
    first_name: user.first_name,
    last_name: user.last_name,
    is_admin: user.is_admin,
    is_active: user.is_active,
  });
  const [update, { isLoading, error }] = useUpdateAdminUserMutation();
  const errors = formErrors(error, ['first_name', 'last_name', 'is_admin', 'is_active']);
  const save = async () => {
    const patch: AdminUserUpdate = {};
    if (form.first_name !== user.first_name) patch.first_name = form.first_name;
    if (form.last_name !== user.last_name) patch.last_name = form.last_name;
    if (form.is_admin !== user.is_admin) patch.is_admin = form.is_admin;
    if (form.is_active !== user.is_active) patch.is_active = form.is_active;
    if (Object.keys(patch).length === 0) return onClose();
    const result = await update({ id: user.id, patch });
    if (!('error' in result)) onClose();
  };
  return (
    <Dialog
      open
      onClose={isLoading ? undefined : onClose}
      aria-labelledby="edit-user-title"
      fullWidth
      maxWidth="xs"
    >
      <DialogTitle id="edit-user-title">Edit {user.email}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {errors.other && <Alert severity="error">{errors.other}</Alert>}
          <TextField
            label="First name"
            value={form.first_name}
            onChange={(e) => setForm((f) => ({ ...f, first_name: e.target.value }))}
            error={Boolean(errors.fields.first_name)}
            helperText={errors.fields.first_name}
          />
          <TextField
            label="Last name"
            value={form.last_name}
            onChange={(e) => setForm((f) => ({ ...f, last_name: e.target.value }))}
            error={Boolean(errors.fields.last_name)}
            helperText={errors.fields.last_name}
          />
          <div>
            <FormControlLabel
              control={
                <Switch
                  checked={form.is_admin}
                  disabled={self}
                  onChange={(e) => setForm((f) => ({ ...f, is_admin: e.target.checked }))}
                />
              }
              label="Administrator"
            />
            <FormControlLabel
              control={
                <Switch
                  checked={form.is_active}
                  disabled={self}
                  onChange={(e) => setForm((f) => ({ ...f, is_active: e.target.checked }))}
                />
              }
              label="Active (can log in)"
            />
            {self && (
              <FormHelperText>
                You cannot remove your own admin rights or deactivate yourself.
              </FormHelperText>
            )}
            {(errors.fields.is_admin || errors.fields.is_active) && (
              <FormHelperText error>
                {errors.fields.is_admin ?? errors.fields.is_active}
              </FormHelperText>
            )}
          </div>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={isLoading}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void save()} disabled={isLoading}>
          {isLoading ? 'Saving…' : 'Save'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** Every account: search, page, edit, delete. */
export function UsersTable({
  selfId,
  onShowPosts,
}: {
  selfId: number;
  onShowPosts: (userId: number) => void;
}) {
  const paging = useTablePaging();
  const users = useGetAdminUsersQuery(paging.query);
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [deleteUser, deletion] = useDeleteAdminUserMutation();
  const deleting = useDeleteConfirmation((u: AdminUser) => deleteUser(u.id), deletion);
  const data = users.currentData ?? users.data;

  return (
    <AdminTable
      name="Users"
      query={users}
      data={data}
      paging={paging}
      columns={[
        { label: 'Email' },
        { label: 'Name' },
        { label: 'Role' },
        { label: 'Status' },
        { label: 'Joined' },
        { label: 'Last login' },
        { label: 'Ratings', align: 'right' },
        { label: 'Posts', align: 'right' },
        { label: 'Actions', align: 'right' },
      ]}
      filters={
        <Stack
          direction={{ xs: 'column', sm: 'row' }}
          spacing={2}
          sx={{ p: 2, justifyContent: 'space-between' }}
        >
          <TableSearch
            label="Search users by email or name"
            value={paging.search}
            onChange={paging.setSearch}
          />
        </Stack>
      }
      row={(u) => (
        <TableRow key={u.id} hover data-testid={`admin-user-row-${u.id}`}>
          <TableCell sx={{ fontWeight: 600 }}>{u.email}</TableCell>
          <TableCell>{personName(u, '—')}</TableCell>
          <TableCell>
            {u.is_admin ? <Chip size="small" color="primary" label="Admin" /> : 'User'}
          </TableCell>
          <TableCell>
            <Chip
              size="small"
              variant="outlined"
              color={u.is_active ? 'success' : 'default'}
              label={u.is_active ? 'Active' : 'Inactive'}
            />
          </TableCell>
          <TableCell>{formatDate(u.date_joined)}</TableCell>
          <TableCell>{formatDateTime(u.last_login)}</TableCell>
          <TableCell align="right">{u.ratings.toLocaleString()}</TableCell>
          <TableCell align="right">{u.posts.toLocaleString()}</TableCell>
          <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
            <Tooltip title="Their posts">
              <IconButton
                size="small"
                aria-label={`Show posts by ${u.email}`}
                onClick={() => onShowPosts(u.id)}
              >
                <ForumOutlinedIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            <Tooltip title="Edit">
              <IconButton
                size="small"
                aria-label={`Edit user ${u.email}`}
                onClick={() => setEditing(u)}
              >
                <EditOutlinedIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            <Tooltip title={u.id === selfId ? 'You cannot delete yourself' : 'Delete'}>
              <span>
                <IconButton
                  size="small"
                  color="error"
                  aria-label={`Delete user ${u.email}`}
                  disabled={u.id === selfId}
                  onClick={() => deleting.ask(u)}
                >
                  <DeleteOutlinedIcon fontSize="small" />
                </IconButton>
              </span>
            </Tooltip>
          </TableCell>
        </TableRow>
      )}
    >
      {editing && (
        <EditUserDialog
          user={editing}
          self={editing.id === selfId}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmDialog
        {...deleting.dialog(
          'Delete this user?',
          (u) => `${u.email}, their ratings and their logins will be deleted for good.`,
        )}
      />
    </AdminTable>
  );
}
